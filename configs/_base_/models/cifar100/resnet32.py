# mdistiller's resnet32 (the paper's R32) as an mmpretrain classifier for
# CIFAR-100. The recipes set the student's CE weight.
resnet32 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='CIFARResNetKD', depth=32),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=100, in_channels=64,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
