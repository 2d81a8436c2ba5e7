# R50 -> MN-V2 (mdistiller: ResNet50 -> MobileNetV2) on CIFAR-100. The
# teacher is converted from mdistiller's ResNet50_vanilla
# (configs/cifar100/README.md).
_base_ = [
    '../../models/cifar100/resnet50.py',
    '../../models/cifar100/mobilenet-v2.py'
]
teacher_ckpt = 'checkpoints/cifar100_teachers/ResNet50.pth'
pair = dict(
    architecture=_base_.mobilenet_v2,
    teacher=_base_.resnet50,
    teacher_ckpt=teacher_ckpt)
