# ImageNet-1k on mmpretrain's base (RandomResizedCrop 224 and flip; resize
# 256, center crop 224 for validation) with mmpretrain's runtime: 8 GPUs x
# 64 images as in the paper's code, validation batches of 128.
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs32.py',
    'mmpretrain::_base_/default_runtime.py'
]

custom_imports = dict(imports=['zkd_mm'], allow_failed_imports=False)

# mmpretrain's ImageNet normalization; the recipes put it in the
# distillation model, which normalizes once for the student and the teacher.
data_preprocessor = dict(
    _delete_=True,
    type='ImgDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)

train_dataloader = dict(batch_size=64, num_workers=8)
val_dataloader = dict(batch_size=128, num_workers=8)
test_dataloader = val_dataloader
