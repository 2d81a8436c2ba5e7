# R32x4 -> R8x4 (mdistiller: resnet32x4 -> resnet8x4) on CIFAR-100. The
# teacher is converted from mdistiller's resnet32x4_vanilla
# (configs/cifar100/README.md).
_base_ = [
    '../../models/cifar100/resnet32x4.py',
    '../../models/cifar100/resnet8x4.py'
]
teacher_ckpt = 'checkpoints/cifar100_teachers/resnet32x4.pth'
pair = dict(
    architecture=_base_.resnet8x4,
    teacher=_base_.resnet32x4,
    teacher_ckpt=teacher_ckpt)
