# VGG13 -> VGG8 (mdistiller: vgg13 -> vgg8) on CIFAR-100. The teacher is
# converted from mdistiller's vgg13_vanilla (configs/cifar100/README.md).
_base_ = [
    '../../models/cifar100/vgg13.py',
    '../../models/cifar100/vgg8.py'
]
teacher_ckpt = 'checkpoints/cifar100_teachers/vgg13.pth'
pair = dict(
    architecture=_base_.vgg8,
    teacher=_base_.vgg13,
    teacher_ckpt=teacher_ckpt)
