# MLKD on Fashion-MNIST: student CE 1 on each view (chosen on the validation
# split: 0.1 trained far less, docs/results/fashion_mnist_tuning). As the official
# MLKD code, a weak view (the students' crop and flip) and a strong one (the
# same, then 2 of the 10 single-channel ops of mlkd_strong_augment.py, then a
# Cutout of up to 16 pixels, black as the background).
_base_ = [
    '../../datasets/fashion_mnist.py', '../../schedules/fashion_mnist.py',
    '../../datasets/mlkd_strong_augment.py', '../../distillers/mlkd.py'
]
weak_view = _base_.train_pipeline[:-1]
strong_view = weak_view + [
    _base_.mlkd_randaugment_gray,
    dict(_base_.mlkd_cutout, policies=[
        dict(type='Cutout', prob=1.0, magnitude_range=(0, 16),
             pad_val=0)])
]
# Each sample gets a list of two images: the weak view, then the strong.
train_pipeline = [
    dict(type='MultiView', num_views=[1, 1],
         transforms=[weak_view, strong_view]),
    dict(type='PackInputs')]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
model = dict(
    data_preprocessor=dict(preprocessor=_base_.data_preprocessor),
    architecture=dict(head=dict(loss=dict(loss_weight=1.0))))
