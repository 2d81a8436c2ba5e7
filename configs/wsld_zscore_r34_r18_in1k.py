# The name this config had in zkd_mm 0.1, kept for one release: use
# configs/imagenet/wsld-zscore_resnet34_resnet18_8xb64_in1k.py.
_base_ = ['./imagenet/wsld-zscore_resnet34_resnet18_8xb64_in1k.py']
_deprecation_ = dict(
    expected='configs/imagenet/wsld-zscore_resnet34_resnet18_8xb64_in1k.py',
    reference='configs/imagenet/README.md')
