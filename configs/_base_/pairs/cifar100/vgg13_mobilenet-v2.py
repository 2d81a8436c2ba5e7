# VGG13 -> MN-V2 (mdistiller: vgg13 -> MobileNetV2) on CIFAR-100. The teacher
# is converted from mdistiller's vgg13_vanilla (configs/cifar100/README.md).
_base_ = [
    '../../models/cifar100/vgg13.py',
    '../../models/cifar100/mobilenet-v2.py'
]
teacher_ckpt = 'checkpoints/cifar100_teachers/vgg13.pth'
pair = dict(
    architecture=_base_.mobilenet_v2,
    teacher=_base_.vgg13,
    teacher_ckpt=teacher_ckpt)
