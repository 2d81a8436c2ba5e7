# mmpretrain's ResNet-18 classifier for ImageNet-1k (as its
# resnet/resnet18_8xb32_in1k.py). The recipes set a student's CE weight.
resnet18 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='ResNet', depth=18, num_stages=4, out_indices=(3, ),
                  style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=1000, in_channels=512,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
