# mmpretrain's LeNet-5 for Fashion-MNIST (32x32 inputs, 10 classes). It gives
# the logits itself (backbone.classifier, where the distillation configs
# point the student's recorder); the ClsHead only adds the CE loss, whose
# weight the recipes set.
lenet5 = dict(
    _scope_='mmpretrain', type='ImageClassifier',
    backbone=dict(type='LeNet5', num_classes=10),
    head=dict(type='ClsHead', loss=dict(type='CrossEntropyLoss')))
