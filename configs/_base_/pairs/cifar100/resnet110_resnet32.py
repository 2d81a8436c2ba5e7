# R110 -> R32 (mdistiller: resnet110 -> resnet32) on CIFAR-100. The teacher
# is converted from mdistiller's resnet110_vanilla
# (configs/cifar100/README.md).
_base_ = [
    '../../models/cifar100/resnet110.py',
    '../../models/cifar100/resnet32.py'
]
teacher_ckpt = 'checkpoints/cifar100_teachers/resnet110.pth'
pair = dict(
    architecture=_base_.resnet32,
    teacher=_base_.resnet110,
    teacher_ckpt=teacher_ckpt)
