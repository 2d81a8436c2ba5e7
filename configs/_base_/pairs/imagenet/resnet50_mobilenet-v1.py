# ResNet-50 -> MobileNetV1 on ImageNet-1k, with this pair's student CE weight
# in the paper's code, 0.5 (mdistiller's imagenet/r50_mv2 configs). The
# teacher is mmpretrain's published ResNet-50 (top-1 76.55 as mmpretrain
# reports it; the paper's torchvision teacher: 76.16), downloaded on first
# use.
_base_ = [
    '../../models/imagenet/resnet50.py',
    '../../models/imagenet/mobilenet-v1.py'
]
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501
pair = dict(
    architecture=dict(
        _base_.mobilenet_v1,
        head=dict(
            _base_.mobilenet_v1.head,
            loss=dict(type='CrossEntropyLoss', loss_weight=0.5))),
    teacher=_base_.resnet50,
    teacher_ckpt=teacher_ckpt)
