# KD on ImageNet-1k: student CE 1.
_base_ = [
    '../../datasets/imagenet.py', '../../schedules/imagenet.py',
    '../../distillers/kd.py'
]
model = dict(
    data_preprocessor=_base_.data_preprocessor,
    architecture=dict(head=dict(loss=dict(loss_weight=1.0))))
