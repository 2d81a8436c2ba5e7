# The Fashion-MNIST teacher: mmpretrain's ResNet_CIFAR-18 at an eighth of
# the standard width (8 stem and base channels: 176k parameters, 9M
# multiply-adds per image, 3x the parameters and 20x the compute of the
# LeNet-5 student), a plain mmpretrain classifier trained with
# cross-entropy, with the data, augmentation and optimizer of the students
# (SGD lr 0.1, cosine) but 4 epochs on all 60000 training images,
# validated on the test split, keeping the last checkpoint.
# checkpoints/fashion_mnist/teacher_resnet18-w8_fmnist.pth was trained with
# this config; checkpoints/fashion_mnist/README.md has the command, the log
# and its accuracy.
_base_ = [
    '../_base_/datasets/fashion_mnist.py',
    '../_base_/schedules/fashion_mnist.py',
    '../_base_/models/fashion_mnist/resnet18-w8.py'
]

train_dataloader = dict(dataset=dict(indices=None))
val_dataloader = _base_.test_dataloader
default_hooks = dict(
    checkpoint=dict(_delete_=True, type='CheckpointHook', interval=1,
                    max_keep_ckpts=1))

model = dict(_base_.resnet18_w8, data_preprocessor=_base_.data_preprocessor)
val_cfg = dict(_delete_=True)
train_cfg = dict(max_epochs=4)
