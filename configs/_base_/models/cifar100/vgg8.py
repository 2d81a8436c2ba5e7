# mdistiller's vgg8 (the paper's VGG8) as an mmpretrain classifier for
# CIFAR-100. The recipes set the student's CE weight.
vgg8 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='CIFARVGG', depth=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=100, in_channels=512,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
