# Shared by the CIFAR-100 MLKD configs (mlkd_* and mlkd-zscore_* in
# configs/cifar100/): everything of distill_cifar100.py, plus MLKD's two
# views per training image and its schedule. Each config adds the student,
# the teacher and its checkpoint, the losses' temperatures and weights, the
# lr and the epochs.
# MLKD (Jin et al., CVPR 2023) trains teacher and student on a weak view
# (RandomCrop 32 with padding 4, horizontal flip) and a strong view (the
# same, then RandAugment with 2 of 14 ops at random magnitudes, then Cutout
# of a random size up to half the image), as the official code. The
# official schedule keeps the lr steps at epochs 150/180/210 although it
# trains for 480 epochs (960 for ShuffleNet students).
_base_ = [
    './distill_cifar100.py', './mlkd_strong_augment.py', './mlkd_distiller.py'
]

weak_view = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
strong_view = weak_view + [
    {{_base_.mlkd_randaugment}},
    # Cutout of a random size in [0, 16] pixels (half of 32), filled with
    # the official grey (RGB 125, 123, 114).
    dict(
        type='RandAugment',
        policies=[
            dict(type='Cutout', magnitude_range=(0, 16),
                 pad_val=(125, 123, 114), prob=1.0)
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
        preprocessor=dict(
            type='ImgDataPreprocessor',
            mean=[129.304, 124.070, 112.434],
            std=[68.170, 65.392, 70.418],
            bgr_to_rgb=False)),
    distiller={{_base_.mlkd_distiller}},
)

# Each config sets max_epochs: 480, or 960 for ShuffleNet students.
train_cfg = dict(max_epochs=480)
