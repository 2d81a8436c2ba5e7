# KD on CIFAR-100: student CE 0.1.
_base_ = [
    '../../datasets/cifar100.py', '../../schedules/cifar100.py',
    '../../distillers/kd.py'
]
model = dict(
    data_preprocessor=_base_.data_preprocessor,
    architecture=dict(head=dict(loss=dict(loss_weight=0.1))))
