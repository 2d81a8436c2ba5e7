# W40-2 -> W40-1 (mdistiller: wrn_40_2 -> wrn_40_1) on CIFAR-100. The teacher
# is converted from mdistiller's wrn_40_2_vanilla
# (configs/cifar100/README.md).
_base_ = [
    '../../models/cifar100/wrn-40-2.py',
    '../../models/cifar100/wrn-40-1.py'
]
teacher_ckpt = 'checkpoints/cifar100_teachers/wrn_40_2.pth'
pair = dict(
    architecture=_base_.wrn_40_1,
    teacher=_base_.wrn_40_2,
    teacher_ckpt=teacher_ckpt)
