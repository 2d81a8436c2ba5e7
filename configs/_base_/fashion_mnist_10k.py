# The Fashion-MNIST student protocol, shared by the student-only baseline
# and every distillation config in configs/fashion_mnist/ (the zoo's
# measured setting, small enough for a CPU):
# - train on the first 10000 training images;
# - validate (every epoch, for the best checkpoint and for choosing
#   hyper-parameters) on the last 10000 training images, held out from the
#   students' training set;
# - test on the 10000 test images, only with tools/test.py.
# Data, augmentation and schedule as fashion_mnist.py (5 epochs, cosine).
# For another training subset set train_dataloader.dataset.indices (any N
# up to 50000 stays disjoint from the validation images). The teacher
# (shipped) was trained on all 60000 training images, so its validation
# accuracy here is on images it has seen; its test top-1 is 90.95.
_base_ = ['./fashion_mnist.py']

train_dataloader = dict(dataset=dict(indices=10000))
val_dataloader = dict(
    dataset=dict(
        split='train',
        test_mode=False,
        # The last 10000 training images.
        indices=-10000))
test_dataloader = dict(
    batch_size=500,
    num_workers=1,
    persistent_workers=True,
    dataset=dict(
        type={{_base_.dataset_type}},
        data_root={{_base_.data_root}},
        split='test',
        test_mode=True,
        download=False,
        indices=None,
        pipeline={{_base_.test_pipeline}}),
    sampler=dict(type='DefaultSampler', shuffle=False))

# Keep the checkpoint with the best validation top-1 next to the last one.
default_hooks = dict(
    checkpoint=dict(save_best='accuracy/top1', rule='greater'))
