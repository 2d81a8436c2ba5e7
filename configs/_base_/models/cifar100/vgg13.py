# mdistiller's vgg13 (the paper's VGG13) as an mmpretrain classifier for
# CIFAR-100. The recipes set the student's CE weight.
vgg13 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='CIFARVGG', depth=13),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=100, in_channels=512,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
