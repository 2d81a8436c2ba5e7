# Shared by the ImageNet ResNet-50 -> MobileNetV1 distillation configs:
# data, schedule and both models. Each method config adds its distiller.
# Hyper-parameters of the paper's code for this pair (mdistiller's
# imagenet/r50_mv2 configs, whose "MobileNetV2" is a MobileNetV1): total
# batch 512 (8 GPUs x 64), 100 epochs, SGD lr 0.2, momentum 0.9, weight decay
# 1e-4, lr x0.1 at epochs 30/60/90, student CE weight 0.5.
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs32.py',
    'mmpretrain::_base_/schedules/imagenet_bs256.py',
    'mmpretrain::_base_/default_runtime.py',
]

custom_imports = dict(imports=['zkd_mm'], allow_failed_imports=False)

# mmpretrain's published ResNet-50 (top-1 76.55 on ImageNet-1k val, as
# mmpretrain reports it; the paper's torchvision teacher: 76.16).
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501

model = dict(
    _scope_='mmrazor',
    type='CheckedSingleTeacherDistill',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    architecture=dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='MobileNetV1ImageNet'),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=1000,
            in_channels=1024,
            loss=dict(type='CrossEntropyLoss', loss_weight=0.5),
            topk=(1, 5))),
    teacher=dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=50, num_stages=4,
                      out_indices=(3, ), style='pytorch'),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=1000,
            in_channels=2048,
            loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
            topk=(1, 5))),
    teacher_ckpt=teacher_ckpt,
)

train_dataloader = dict(batch_size=64, num_workers=8)
val_dataloader = dict(batch_size=128, num_workers=8)
test_dataloader = val_dataloader

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=100, val_interval=1)
# Validates the student, then the teacher (logged as teacher.accuracy/...).
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
auto_scale_lr = dict(base_batch_size=512)
