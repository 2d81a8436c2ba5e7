# mdistiller's MobileNetV2 (the paper's MN-V2) as an mmpretrain classifier
# for CIFAR-100. The recipes set the student's CE weight.
mobilenet_v2 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='CIFARMobileNetV2', width_mult=0.5, expand_ratio=6),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=100, in_channels=1280,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
