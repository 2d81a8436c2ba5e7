# mmpretrain's ResNet_CIFAR-18 at an eighth of the standard width (8 stem and
# base channels) for single-channel 32x32 images, 10 classes: 176k
# parameters, 9M multiply-adds per image.
resnet18_w8 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='ResNet_CIFAR', depth=18, in_channels=1,
                  stem_channels=8, base_channels=8, num_stages=4,
                  out_indices=(3, ), style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64,
              loss=dict(type='CrossEntropyLoss')))
