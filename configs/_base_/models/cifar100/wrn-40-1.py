# mdistiller's wrn_40_1 (the paper's W40-1) as an mmpretrain classifier for
# CIFAR-100. The recipes set the student's CE weight.
wrn_40_1 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='CIFARWideResNet', depth=40, widen_factor=1),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=100, in_channels=64,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
