# Copyright (c) zkd_mm contributors. All rights reserved.
"""The paper's backbones, registered in mmpretrain's ``MODELS``.

Each returns a 1-tuple with its last feature map, so that
``neck=dict(type='GlobalAveragePooling')`` and a ``LinearClsHead`` complete
the network exactly as mdistiller's average pooling and ``fc`` do.
:data:`zkd_mm.models.converters.MDISTILLER_ARCHS` maps mdistiller's model
names to these configs.
"""
from .cifar_mobilenet_v2 import CIFARMobileNetV2
from .cifar_resnet import CIFARResNetKD
from .cifar_resnet50 import CIFARResNet50
from .cifar_shufflenet_v1 import CIFARShuffleNetV1
from .cifar_shufflenet_v2 import CIFARShuffleNetV2
from .cifar_vgg import CIFARVGG
from .cifar_wide_resnet import CIFARWideResNet
from .mobilenet_v1 import MobileNetV1ImageNet

__all__ = [
    'CIFARResNetKD', 'CIFARWideResNet', 'CIFARVGG', 'CIFARMobileNetV2',
    'CIFARShuffleNetV1', 'CIFARShuffleNetV2', 'CIFARResNet50',
    'MobileNetV1ImageNet'
]
