# KD on Fashion-MNIST: student CE 0.1.
_base_ = [
    '../../datasets/fashion_mnist.py', '../../schedules/fashion_mnist.py',
    '../../distillers/kd.py'
]
model = dict(
    data_preprocessor=_base_.data_preprocessor,
    architecture=dict(head=dict(loss=dict(loss_weight=0.1))))
