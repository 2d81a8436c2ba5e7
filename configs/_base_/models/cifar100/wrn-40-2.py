# mdistiller's wrn_40_2 (the paper's W40-2) as an mmpretrain classifier for
# CIFAR-100. The recipes set the student's CE weight.
wrn_40_2 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='CIFARWideResNet', depth=40, widen_factor=2),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=100, in_channels=128,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
