# Student-only baseline: the LeNet-5 student of the distillation configs,
# trained alone with cross-entropy (weight 1), with the same data,
# augmentation, schedule (SGD lr 0.1, cosine, 5 epochs) and splits.
_base_ = ['../_base_/fashion_mnist_10k.py']

model = dict(
    type='ImageClassifier',
    data_preprocessor={{_base_.data_preprocessor}},
    backbone=dict(type='LeNet5', num_classes=10),
    head=dict(
        type='ClsHead', loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
