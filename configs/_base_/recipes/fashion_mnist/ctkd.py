# KD + CTKD on Fashion-MNIST: student CE 0.1; the gradient reversal factor
# goes from 0 to -1 over 2 epochs (cosine).
_base_ = [
    '../../datasets/fashion_mnist.py', '../../schedules/fashion_mnist.py',
    '../../distillers/ctkd.py'
]
model = dict(
    data_preprocessor=_base_.data_preprocessor,
    architecture=dict(head=dict(loss=dict(loss_weight=0.1))))
custom_hooks = [dict(type='mmrazor.CTKDCurriculumHook', decay_max=0.0,
                     decay_min=-1.0, decay_loops=2)]
