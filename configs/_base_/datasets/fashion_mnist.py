# Fashion-MNIST, the students' protocol of configs/fashion_mnist/ (the zoo's
# measured setting, small enough for a CPU), with mmpretrain's runtime:
# - train on the first 10000 training images (train_dataloader.dataset.
#   indices: any N up to 50000 stays disjoint from the validation images);
# - validate (every epoch, for the best checkpoint and for choosing
#   hyper-parameters) on the last 10000 training images, held out;
# - test on the 10000 test images, only with tools/test.py.
# mmpretrain's FashionMNIST reads the four uncompressed IDX files from
# data/fashion_mnist, which tools/dataset_converters/prepare_fashion_mnist.py
# writes from the Debian package dataset-fashion-mnist. The 28x28 grayscale
# images are zero-padded to 32x32 (LeNet-5's input; the background is
# black): for training at a random offset of up to 2 pixels each way, plus
# horizontal flips, for testing centered.
_base_ = ['mmpretrain::_base_/default_runtime.py']

custom_imports = dict(imports=['zkd_mm'], allow_failed_imports=False)

dataset_type = 'FashionMNIST'
data_root = 'data/fashion_mnist'
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='RandomCrop', crop_size=32, pad_if_needed=True),
    dict(type='PackInputs'),
]
# LeNet5 squeezes its features, so a batch of one sample fails: drop_last
# keeps every training batch full. mmpretrain's MNIST datasets pick the
# split by test_mode.
train_dataloader = dict(
    batch_size=128,
    num_workers=1,
    # Not persistent: each epoch's worker starts from seeded random states,
    # so that a resumed run augments exactly as an uninterrupted one.
    persistent_workers=False,
    drop_last=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        test_mode=False,
        download=False,
        indices=10000,
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True))
# The last 10000 training images, in 20 batches of 500.
val_dataloader = dict(
    batch_size=500,
    num_workers=1,
    persistent_workers=True,
    dataset=dict(train_dataloader['dataset'], indices=-10000,
                 pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(val_dataloader['dataset'], split='test', test_mode=True,
                 indices=None))
test_evaluator = val_evaluator

# Fashion-MNIST pixel mean and std (0.2860, 0.3530 of 255). The scope
# prefix lets the mmrazor-scoped distillation configs use it too.
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    mean=[72.94],
    std=[90.02],
    num_classes=10)

# Keep the checkpoint with the best validation top-1 next to the last one.
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=1,
        save_best='accuracy/top1',
        rule='greater'))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
