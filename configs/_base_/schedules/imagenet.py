# The ImageNet schedule of the paper's code for both teacher-student pairs,
# on mmpretrain's: total batch 512 (8 GPUs x 64), 100 epochs, SGD lr 0.2,
# momentum 0.9, weight decay 1e-4, lr x0.1 at epochs 30/60/90.
_base_ = ['mmpretrain::_base_/schedules/imagenet_bs256.py']

optim_wrapper = dict(optimizer=dict(lr=0.2))
# Validates the student, then the teacher (logged as teacher.accuracy/...).
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
auto_scale_lr = dict(base_batch_size=512)
