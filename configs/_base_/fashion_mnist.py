# Shared by the Fashion-MNIST configs in configs/fashion_mnist/: data,
# augmentation, schedule and runtime; each config adds its model.
# Data: mmpretrain's FashionMNIST reads the four uncompressed IDX files
# from data/fashion_mnist, which
#     python tools/dataset_converters/prepare_fashion_mnist.py
# writes from the Debian package dataset-fashion-mnist.
# Images are 28x28 grayscale; both pipelines zero-pad them to 32x32 (the
# size LeNet-5 takes; the background is black): training at a random
# offset of up to 2 pixels each way, plus horizontal flips, testing
# centered.
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

# LeNet5 squeezes its features, so a batch of one sample fails:
# drop_last keeps every training batch full (60000 = 468 x 128 + 96), and
# 10000 test images are 20 batches of 500.
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
        # None: all 60000 images; N: the first N (a training subset).
        indices=None,
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True))
# mmpretrain's MNIST datasets pick the split by test_mode.
val_dataloader = dict(
    batch_size=500,
    num_workers=1,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        test_mode=True,
        download=False,
        indices=None,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator

# Fashion-MNIST pixel mean and std (0.2860, 0.3530 of 255). The scope
# prefix lets the mmrazor-scoped distillation configs use it too.
data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    mean=[72.94],
    std=[90.02],
    num_classes=10)

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
# Cosine from the lr to 0 over max_epochs, updated every iteration.
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=5, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
