# Copyright (c) zkd_mm contributors. All rights reserved.
"""mdistiller's model names, as zkd_mm backbone configs.

The paper's code (logit-standardization-KD, built on mdistiller) names its
models ``resnet32x4``, ``wrn_40_2``, ``MobileNetV2`` and so on. Each entry
of :data:`MDISTILLER_ARCHS` gives the zkd_mm backbone config that builds the
same network, the channels of its feature map, and the name of mdistiller's
classifier module, whose weights become ``head.fc`` of an mmpretrain
``ImageClassifier``::

    from zkd_mm.models.converters import get_mdistiller_arch
    arch = get_mdistiller_arch('resnet32x4')
    model = dict(type='ImageClassifier',
                 backbone=arch.backbone_cfg(),
                 neck=dict(type='GlobalAveragePooling'),
                 head=dict(type='LinearClsHead', num_classes=100,
                           in_channels=arch.channels, ...))

which is what :meth:`MdistillerArch.classifier_cfg` returns.
"""
import copy
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Dict, Mapping, Optional


@dataclass(frozen=True)
class MdistillerArch:
    """One mdistiller model as a zkd_mm backbone.

    Attributes:
        name (str): mdistiller's model name, e.g. ``'resnet32x4'``.
        backbone (Mapping): The backbone config (read-only; see
            :meth:`backbone_cfg`).
        channels (int): Channels of the backbone's feature map, i.e. the
            ``in_channels`` of the linear head.
        classifier (str): mdistiller's name of the final ``nn.Linear``
            (``'fc'``, ``'linear'``, ``'classifier'`` or
            ``'classifier.0'``).
        num_classes (int): Classes of the benchmark: 100 (CIFAR-100) or
            1000 (ImageNet).
    """

    name: str
    backbone: Mapping[str, Any]
    channels: int
    classifier: str
    num_classes: int = 100

    def backbone_cfg(self) -> Dict[str, Any]:
        """A fresh, editable copy of the backbone config."""
        return copy.deepcopy(dict(self.backbone))

    def classifier_cfg(self,
                       num_classes: Optional[int] = None) -> Dict[str, Any]:
        """An mmpretrain ``ImageClassifier`` config equal to the mdistiller
        model: the backbone, global average pooling and a linear head.

        Args:
            num_classes (int, optional): Classes of the head. Defaults to
                :attr:`num_classes`.

        Returns:
            dict: The model config (``type='ImageClassifier'``).
        """
        if num_classes is None:
            num_classes = self.num_classes
        return dict(
            _scope_='mmpretrain',
            type='ImageClassifier',
            backbone=self.backbone_cfg(),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead',
                num_classes=num_classes,
                in_channels=self.channels,
                loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))


def _arch(name: str,
          classifier: str,
          channels: int,
          num_classes: int = 100,
          **backbone: Any) -> MdistillerArch:
    return MdistillerArch(name, MappingProxyType(backbone), channels,
                          classifier, num_classes)


_RESNET_DEPTHS = (8, 14, 20, 32, 44, 56, 110)
_ARCHS = [
    *[
        _arch(f'resnet{depth}', 'fc', 64, type='CIFARResNetKD', depth=depth)
        for depth in _RESNET_DEPTHS
    ],
    _arch(
        'resnet8x4',
        'fc',
        256,
        type='CIFARResNetKD',
        depth=8,
        num_filters=(32, 64, 128, 256)),
    _arch(
        'resnet32x4',
        'fc',
        256,
        type='CIFARResNetKD',
        depth=32,
        num_filters=(32, 64, 128, 256)),
    *[
        _arch(
            f'wrn_{depth}_{k}',
            'fc',
            64 * k,
            type='CIFARWideResNet',
            depth=depth,
            widen_factor=k)
        for depth, k in ((16, 1), (16, 2), (40, 1), (40, 2))
    ],
    *[
        _arch(f'vgg{depth}', 'classifier', 512, type='CIFARVGG', depth=depth)
        for depth in (8, 11, 13, 16, 19)
    ],
    _arch(
        'MobileNetV2',
        'classifier.0',
        1280,
        type='CIFARMobileNetV2',
        width_mult=0.5,
        expand_ratio=6),
    _arch('ShuffleV1', 'linear', 960, type='CIFARShuffleNetV1'),
    _arch('ShuffleV2', 'linear', 1024, type='CIFARShuffleNetV2', net_size=1),
    _arch('ResNet50', 'linear', 2048, type='CIFARResNet50'),
    # ImageNet; the paper's code calls this MobileNetV1 "MobileNetV2".
    _arch(
        'MobileNetV1',
        'fc',
        1024,
        num_classes=1000,
        type='MobileNetV1ImageNet'),
]

#: mdistiller model name -> :class:`MdistillerArch`. All CIFAR-100 models of
#: mdistiller's ``cifar_model_dict`` used by the paper, plus the ImageNet
#: ``MobileNetV1``.
MDISTILLER_ARCHS: Mapping[str, MdistillerArch] = MappingProxyType(
    {arch.name: arch
     for arch in _ARCHS})

#: The CIFAR-100 names (all but ``'MobileNetV1'``).
MDISTILLER_CIFAR_ARCHS = tuple(name for name, arch in MDISTILLER_ARCHS.items()
                               if arch.num_classes == 100)


def get_mdistiller_arch(name: str) -> MdistillerArch:
    """Look up an mdistiller model name.

    Args:
        name (str): e.g. ``'resnet32x4'``, ``'wrn_40_2'``, ``'vgg13'``,
            ``'MobileNetV2'``, ``'ShuffleV1'``, ``'ResNet50'``.

    Returns:
        MdistillerArch: Its zkd_mm backbone config and head details.

    Raises:
        KeyError: For an unknown name; the message lists the known ones.
    """
    try:
        return MDISTILLER_ARCHS[name]
    except KeyError:
        raise KeyError(f'Unknown mdistiller model {name!r}; known: '
                       f'{", ".join(MDISTILLER_ARCHS)}') from None
