# Shared by the Fashion-MNIST MLKD configs: everything of
# distill_fashion_mnist.py, plus MLKD's two views per training image. Each
# config adds the losses' temperatures and weights, and points the student
# recorder at LeNet-5's logits.
# MLKD (Jin et al., CVPR 2023) trains teacher and student on a weak view
# (the students' usual crop and flip) and a strong view (the same, then 2 of
# the 10 single-channel RandAugment ops of mlkd_strong_augment.py, then a
# Cutout of up to 16 pixels, black as the background).
_base_ = [
    './distill_fashion_mnist.py', './mlkd_strong_augment.py',
    './mlkd_distiller.py'
]

weak_view = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
strong_view = weak_view + [
    {{_base_.mlkd_randaugment_gray}},
    dict(
        type='RandAugment',
        policies=[
            dict(type='Cutout', magnitude_range=(0, 16), pad_val=0,
                 prob=1.0)
        ],
        num_policies=1,
        magnitude_level=10,
        magnitude_std='inf',
        total_level=10),
]
# Each sample gets a list of two images: the weak view, then the strong one.
train_pipeline = [
    dict(type='MultiView', num_views=[1, 1],
         transforms=[weak_view, strong_view]),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

model = dict(
    type='MultiViewSingleTeacherDistill',
    view_names=('weak', 'strong'),
    # Normalizes and stacks each view; validation images pass through.
    data_preprocessor=dict(
        _delete_=True,
        type='MultiViewDataPreprocessor',
        num_views=2,
        preprocessor={{_base_.data_preprocessor}}),
    # Each config points the student's recorder at LeNet-5's logits
    # (backbone.classifier).
    distiller={{_base_.mlkd_distiller}},
)
