# KD + CTKD on ImageNet-1k: student CE 1; the gradient reversal factor goes
# from 0 to -1 over 5 epochs (cosine).
_base_ = [
    '../../datasets/imagenet.py', '../../schedules/imagenet.py',
    '../../distillers/ctkd.py'
]
model = dict(
    data_preprocessor=_base_.data_preprocessor,
    architecture=dict(head=dict(loss=dict(loss_weight=1.0))))
custom_hooks = [dict(type='mmrazor.CTKDCurriculumHook', decay_max=0.0,
                     decay_min=-1.0, decay_loops=5)]
