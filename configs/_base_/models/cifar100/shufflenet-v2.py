# mdistiller's ShuffleV2 (the paper's SHN-V2) as an mmpretrain classifier for
# CIFAR-100. The recipes set the student's CE weight.
shufflenet_v2 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='CIFARShuffleNetV2', net_size=1),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=100, in_channels=1024,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
