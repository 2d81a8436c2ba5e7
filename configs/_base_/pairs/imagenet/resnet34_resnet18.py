# ResNet-34 -> ResNet-18 on ImageNet-1k. The teacher is mmpretrain's published
# ResNet-34 (top-1 73.62), downloaded on first use.
_base_ = [
    '../../models/imagenet/resnet34.py', '../../models/imagenet/resnet18.py'
]
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet34_8xb32_in1k_20210831-f257d4e6.pth'  # noqa: E501
pair = dict(
    architecture=_base_.resnet18,
    teacher=_base_.resnet34,
    teacher_ckpt=teacher_ckpt)
