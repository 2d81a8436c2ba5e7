# ResNet_CIFAR-18 (width 8) -> LeNet-5 on Fashion-MNIST. The teacher was
# trained with configs/fashion_mnist/resnet18-w8_1xb128_fashion-mnist.py
# (checkpoints/fashion_mnist/README.md). LeNet-5's logits are its
# backbone.classifier: the configs point the student's recorder there.
_base_ = [
    '../../models/fashion_mnist/resnet18-w8.py',
    '../../models/fashion_mnist/lenet5.py'
]
teacher_ckpt = 'checkpoints/fashion_mnist/teacher_resnet18-w8_fmnist.pth'
pair = dict(
    architecture=_base_.lenet5,
    teacher=_base_.resnet18_w8,
    teacher_ckpt=teacher_ckpt)
