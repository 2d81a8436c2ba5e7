# Shared by the ImageNet distillation bases (distill_r34_r18_in1k.py and
# distill_r50_mv1_in1k.py): mmpretrain's ImageNet data and runtime, the
# student's data pre-processing, and the schedule both teacher-student pairs
# use in the paper's code: total batch 512 (8 GPUs x 64), 100 epochs, SGD
# lr 0.2, momentum 0.9, weight decay 1e-4, lr x0.1 at epochs 30/60/90. The
# pair bases add the two models.
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs32.py',
    'mmpretrain::_base_/schedules/imagenet_bs256.py',
    'mmpretrain::_base_/default_runtime.py',
]

custom_imports = dict(imports=['zkd_mm'], allow_failed_imports=False)

model = dict(
    _scope_='mmrazor',
    type='CheckedSingleTeacherDistill',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
)

train_dataloader = dict(batch_size=64, num_workers=8)
val_dataloader = dict(batch_size=128, num_workers=8)
test_dataloader = val_dataloader

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=100, val_interval=1)
# Validates the student, then the teacher (logged as teacher.accuracy/...).
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
auto_scale_lr = dict(base_batch_size=512)
