# MLKD on CIFAR-100: student CE 0.1 on each view. As the official
# MLKD code, a weak view (the usual crop and flip) and a strong one (the
# same, then 2 of the 14 ops of mlkd_strong_augment.py, then a Cutout of up
# to 16 pixels, half the image, in the official grey RGB 125, 123, 114). The
# official schedule keeps the lr steps at 150/180/210 and trains 480 epochs
# (ShuffleNet students: 960, in their configs).
_base_ = [
    '../../datasets/cifar100.py', '../../schedules/cifar100.py',
    '../../datasets/mlkd_strong_augment.py', '../../distillers/mlkd.py'
]
weak_view = _base_.train_pipeline[:-1]
strong_view = weak_view + [
    _base_.mlkd_randaugment,
    dict(_base_.mlkd_cutout, policies=[
        dict(type='Cutout', prob=1.0, magnitude_range=(0, 16),
             pad_val=(125, 123, 114))])
]
# Each sample gets a list of two images: the weak view, then the strong.
train_pipeline = [
    dict(type='MultiView', num_views=[1, 1],
         transforms=[weak_view, strong_view]),
    dict(type='PackInputs')]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    data_preprocessor=dict(preprocessor=_base_.data_preprocessor),
    architecture=dict(head=dict(loss=dict(loss_weight=0.1))))
train_cfg = dict(max_epochs=480)
