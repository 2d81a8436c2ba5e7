# The Fashion-MNIST teacher: mmpretrain's ResNet_CIFAR-18 at an eighth of
# the standard width (8 stem and base channels: 176k parameters, 9M
# multiply-adds per image, 3x the parameters and 20x the compute of the
# LeNet-5 student), a plain mmpretrain classifier trained with
# cross-entropy, with the data, augmentation and optimizer of the students
# (SGD lr 0.1, cosine) but 4 epochs on all 60000 images.
# checkpoints/fashion_mnist/teacher_resnet18-w8_fmnist.pth was trained with
# this config; checkpoints/fashion_mnist/README.md has the command, the log
# and its accuracy.
_base_ = ['../_base_/fashion_mnist.py']

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        in_channels=1,
        stem_channels=8,
        base_channels=8,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

train_cfg = dict(max_epochs=4)
