# Shared by the ImageNet ResNet-34 -> ResNet-18 distillation configs: data,
# schedule (distill_in1k_schedule.py) and both models. Each method config
# adds only its distiller. Hyper-parameters of the paper (arXiv 2403.01427,
# §3.3 of its ImageNet setup): the shared schedule, student CE weight 1.0.
_base_ = ['./distill_in1k_schedule.py']

# mmpretrain's published ResNet-34 (top-1 73.62 on ImageNet-1k val).
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet34_8xb32_in1k_20210831-f257d4e6.pth'  # noqa: E501

model = dict(
    architecture=dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=18, num_stages=4,
                      out_indices=(3, ), style='pytorch'),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=1000,
            in_channels=512,
            loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
            topk=(1, 5))),
    teacher=dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=34, num_stages=4,
                      out_indices=(3, ), style='pytorch'),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=1000,
            in_channels=512,
            loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
            topk=(1, 5))),
    teacher_ckpt=teacher_ckpt,
)
