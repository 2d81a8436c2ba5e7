# R32x4 -> W40-2 (mdistiller: resnet32x4 -> wrn_40_2) on CIFAR-100. The
# teacher is converted from mdistiller's resnet32x4_vanilla
# (configs/cifar100/README.md).
_base_ = [
    '../../models/cifar100/resnet32x4.py',
    '../../models/cifar100/wrn-40-2.py'
]
teacher_ckpt = 'checkpoints/cifar100_teachers/resnet32x4.pth'
pair = dict(
    architecture=_base_.wrn_40_2,
    teacher=_base_.resnet32x4,
    teacher_ckpt=teacher_ckpt)
