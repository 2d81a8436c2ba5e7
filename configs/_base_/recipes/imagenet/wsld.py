# WSLD on ImageNet-1k: student CE 1.
_base_ = [
    '../../datasets/imagenet.py', '../../schedules/imagenet.py',
    '../../distillers/wsld.py'
]
model = dict(
    data_preprocessor=_base_.data_preprocessor,
    architecture=dict(head=dict(loss=dict(loss_weight=1.0))),
    distiller=dict(distill_losses=dict(loss_wsld=dict(num_classes=1000))))
