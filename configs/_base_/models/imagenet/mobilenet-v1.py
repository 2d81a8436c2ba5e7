# The paper's MobileNetV1 for ImageNet-1k (MobileNetV1ImageNet, its code's
# "MobileNetV2") as an mmpretrain classifier. The recipes set a student's CE
# weight.
mobilenet_v1 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='MobileNetV1ImageNet'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=1000, in_channels=1024,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
