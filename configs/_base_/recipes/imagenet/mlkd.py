# MLKD on ImageNet-1k: student CE 0.5 on each view. As the official
# MLKD code, a weak view (RandomResizedCrop 224 and flip) and a strong one
# (the same, then 2 of the 14 ops of mlkd_strong_augment.py, then a Cutout of
# up to 112 pixels, half the image, in the official grey RGB 125, 123, 114;
# the images are BGR here). The official lr, 0.1 for batch 512, is in each
# config.
_base_ = [
    '../../datasets/imagenet.py', '../../schedules/imagenet.py',
    '../../datasets/mlkd_strong_augment.py', '../../distillers/mlkd.py'
]
weak_view = _base_.train_pipeline[1:-1]
strong_view = weak_view + [
    _base_.mlkd_randaugment,
    dict(_base_.mlkd_cutout, policies=[
        dict(type='Cutout', prob=1.0, magnitude_range=(0, 112),
             pad_val=(114, 123, 125))])
]
# Each sample gets a list of two images: the weak view, then the strong.
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=[1, 1],
         transforms=[weak_view, strong_view]),
    dict(type='PackInputs')]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    data_preprocessor=dict(preprocessor=_base_.data_preprocessor),
    architecture=dict(head=dict(loss=dict(loss_weight=0.5))))
