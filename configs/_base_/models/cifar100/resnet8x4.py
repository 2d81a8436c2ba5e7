# mdistiller's resnet8x4 (the paper's R8x4) as an mmpretrain classifier for
# CIFAR-100. The recipes set the student's CE weight.
resnet8x4 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='CIFARResNetKD', depth=8,
                  num_filters=(32, 64, 128, 256)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=100, in_channels=256,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
