# mdistiller's ResNet50 (the paper's R50) as an mmpretrain classifier for
# CIFAR-100. The recipes set the student's CE weight.
resnet50 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='CIFARResNet50'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=100, in_channels=2048,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
