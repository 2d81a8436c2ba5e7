# CIFAR-100 as the paper trains on it (mdistiller's setup), on mmpretrain's
# CIFAR-100 base: batch 64 on one GPU, RandomCrop 32 (padding 4) and
# horizontal flip, top-1 and top-5 on the test split, and mmpretrain's
# runtime. mmpretrain's CIFAR100 reads (and checks the md5 sums of)
# data/cifar100/cifar-100-python/{train,test,meta}; download=True fetches
# them.
_base_ = [
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    'mmpretrain::_base_/default_runtime.py'
]

custom_imports = dict(imports=['zkd_mm'], allow_failed_imports=False)

# mmpretrain's CIFAR-100 normalization; the images are already RGB. The
# recipes put it in the distillation model, which normalizes once for the
# student and the teacher.
data_preprocessor = dict(
    _delete_=True,
    type='ImgDataPreprocessor',
    mean=[129.304, 124.070, 112.434],
    std=[68.170, 65.392, 70.418],
    bgr_to_rgb=False)

train_dataloader = dict(batch_size=64, dataset=dict(download=False))
val_dataloader = dict(
    batch_size=64, dataset=dict(data_root='data/cifar100', download=False))
val_evaluator = dict(topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator

# The paper reports the best epoch's top-1: keep the best student.
default_hooks = dict(
    checkpoint=dict(
        interval=1,
        max_keep_ckpts=1,
        save_best='accuracy/top1',
        rule='greater'))
