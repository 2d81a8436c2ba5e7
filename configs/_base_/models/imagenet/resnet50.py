# mmpretrain's ResNet-50 classifier for ImageNet-1k (as its
# resnet/resnet50_8xb32_in1k.py). The recipes set a student's CE weight.
resnet50 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='ResNet', depth=50, num_stages=4, out_indices=(3, ),
                  style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=1000, in_channels=2048,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5)))
