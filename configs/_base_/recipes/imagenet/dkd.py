# DKD on ImageNet-1k: student CE 1 and DKD's warm-up, the loss weight scaled
# by min(epoch / 1, 1).
_base_ = [
    '../../datasets/imagenet.py', '../../schedules/imagenet.py',
    '../../distillers/dkd.py'
]
model = dict(
    data_preprocessor=_base_.data_preprocessor,
    architecture=dict(head=dict(loss=dict(loss_weight=1.0))))
custom_hooks = [dict(type='mmrazor.DistillLossWarmupHook', warmup_epochs=1)]
