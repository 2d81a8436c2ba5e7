# Shared by the CIFAR-100 distillation configs in configs/cifar100/: data,
# schedule, runtime and the algorithm. Each config adds the student, the
# teacher and its checkpoint, the distiller and the lr.
# The paper's CIFAR-100 setup (mdistiller's): batch 64 on one GPU, 240
# epochs, SGD momentum 0.9, weight decay 5e-4, lr x0.1 at epochs
# 150/180/210, RandomCrop 32 (padding 4) + horizontal flip, test batch 64.
_base_ = ['mmpretrain::_base_/default_runtime.py']

custom_imports = dict(imports=['zkd_mm'], allow_failed_imports=False)

# mmpretrain's CIFAR100 reads data/cifar100/cifar-100-python/{train,test,
# meta}, the python version of CIFAR-100, and checks their md5 sums.
dataset_type = 'CIFAR100'
data_root = 'data/cifar100'
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        download=False,
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True))
val_dataloader = dict(
    batch_size=64,
    num_workers=2,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        download=False,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='Accuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator

model = dict(
    _scope_='mmrazor',
    type='CheckedSingleTeacherDistill',
    # mmpretrain's CIFAR-100 normalization; the images are already RGB.
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[129.304, 124.070, 112.434],
        std=[68.170, 65.392, 70.418],
        bgr_to_rgb=False),
)

# Each config sets the lr: 0.05, or 0.01 for MobileNetV2/ShuffleNet students.
optim_wrapper = dict(
    optimizer=dict(type='SGD', momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[150, 180, 210], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=240, val_interval=1)
# Validates the student, then the teacher (logged as teacher.accuracy/...).
val_cfg = dict(type='mmrazor.SingleTeacherDistillValLoop')
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)

# The paper reports the best epoch's top-1: keep the best student.
default_hooks = dict(
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=1,
        save_best='accuracy/top1',
        rule='greater'))
