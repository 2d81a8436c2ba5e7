# Shared by the ImageNet ResNet-34 -> ResNet-18 MLKD configs: everything of
# distill_r34_r18_in1k.py, plus MLKD's two views per training image and the
# official MLKD ImageNet settings (the paper's repository,
# configs/imagenet/r34_r18/mlkd.yaml): lr 0.1 for batch 512, student CE
# weight 0.5 per view, and MLKD's distiller. Each config sets the losses'
# temperatures and weights.
# MLKD (Jin et al., CVPR 2023) trains teacher and student on a weak view
# (RandomResizedCrop 224, horizontal flip) and a strong view (the same, then
# RandAugment with 2 of 14 ops, then Cutout of a random size up to half the
# image), as the official code.
_base_ = [
    './distill_r34_r18_in1k.py', './mlkd_strong_augment.py',
    './mlkd_distiller.py'
]

weak_view = [
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
strong_view = weak_view + [
    {{_base_.mlkd_randaugment}},
    # Cutout of a random size in [0, 112] pixels (half of 224), filled with
    # the official grey (RGB 125, 123, 114; the images are BGR here).
    dict(
        type='RandAugment',
        policies=[
            dict(type='Cutout', magnitude_range=(0, 112),
                 pad_val=(114, 123, 125), prob=1.0)
        ],
        num_policies=1,
        magnitude_level=10,
        magnitude_std='inf',
        total_level=10),
]
# Each sample gets a list of two images: the weak view, then the strong one.
train_pipeline = [
    dict(type='LoadImageFromFile'),
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
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True)),
    # MLKD's CE weight on each view: 0.5 x (CE(weak) + CE(strong)).
    architecture=dict(head=dict(loss=dict(loss_weight=0.5))),
    distiller={{_base_.mlkd_distiller}},
)

optim_wrapper = dict(optimizer=dict(lr=0.1))
