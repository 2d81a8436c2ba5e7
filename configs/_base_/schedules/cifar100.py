# The paper's CIFAR-100 schedule (mdistiller's), on mmpretrain's CIFAR one:
# 240 epochs, SGD momentum 0.9, weight decay 5e-4, lr x0.1 at epochs
# 150/180/210 for batch 64. Each config sets the lr: 0.05, or 0.01 for
# MobileNetV2/ShuffleNet students (MLKD: its own YAML's).
_base_ = ['mmpretrain::_base_/schedules/cifar10_bs128.py']

optim_wrapper = dict(optimizer=dict(weight_decay=5e-4))
param_scheduler = dict(milestones=[150, 180, 210])
train_cfg = dict(max_epochs=240)
# Validates the student, then the teacher (logged as teacher.accuracy/...).
val_cfg = dict(type='mmrazor.SingleTeacherDistillValLoop')
auto_scale_lr = dict(base_batch_size=64)
