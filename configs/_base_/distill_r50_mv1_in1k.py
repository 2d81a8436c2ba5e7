# Shared by the ImageNet ResNet-50 -> MobileNetV1 distillation configs:
# data, schedule (distill_in1k_schedule.py) and both models. Each method
# config adds its distiller. Hyper-parameters of the paper's code for this
# pair (mdistiller's imagenet/r50_mv2 configs, whose "MobileNetV2" is a
# MobileNetV1): the shared schedule, student CE weight 0.5.
_base_ = ['./distill_in1k_schedule.py']

# mmpretrain's published ResNet-50 (top-1 76.55 on ImageNet-1k val, as
# mmpretrain reports it; the paper's torchvision teacher: 76.16).
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501

model = dict(
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
