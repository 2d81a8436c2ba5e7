# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CIFARResNet50``: the bottleneck ResNet-50 CIFAR teacher of the KD
benchmarks."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .utils import KAIMING_FAN_OUT_INIT, conv1x1, conv3x3, norm_layer


class CIFARBottleneck(nn.Module):
    """The bottleneck of mdistiller's ``resnetv2.py`` (expansion 4).

    1x1 -> 3x3 (with the stride) -> 1x1, added to the input or to a 1x1
    projection (``shortcut.0``, ``shortcut.1``) of it, then ReLU.

    Args:
        in_channels (int): Input channels.
        planes (int): Bottleneck channels; the output has ``4 * planes``.
        stride (int): Stride of the 3x3 convolution. Defaults to 1.
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
    """

    expansion = 4

    def __init__(self,
                 in_channels: int,
                 planes: int,
                 stride: int = 1,
                 norm_cfg: Dict = dict(type='BN')) -> None:
        super().__init__()
        out_channels = planes * self.expansion
        self.conv1 = conv1x1(in_channels, planes)
        self.bn1 = norm_layer(norm_cfg, planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = norm_layer(norm_cfg, planes)
        self.conv3 = conv1x1(planes, out_channels)
        self.bn3 = norm_layer(norm_cfg, out_channels)
        # mdistiller's name; an empty Sequential is the identity.
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                conv1x1(in_channels, out_channels, stride),
                norm_layer(norm_cfg, out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Bottleneck residual block."""
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + self.shortcut(x))


@MODELS.register_module()
class CIFARResNet50(BaseModule):
    """The CIFAR ResNet-50 teacher of the KD benchmarks ("R50").

    mdistiller's ``ResNet50`` from ``resnetv2.py``: a 64-channel 3x3 stem
    with stride 1 and no max pooling, then four stages of (3, 4, 6, 3)
    :class:`CIFARBottleneck` with 64, 128, 256 and 512 planes (the last
    three start with stride 2). Module names follow mdistiller
    (``conv1``, ``bn1``, ``layer1.0.shortcut.0``, ...), so its checkpoints
    map by prefix.

    Args:
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): Initialization config.
            Defaults to mdistiller's: Kaiming normal (fan_out) convolutions
            and unit-weight, zero-bias normalization layers.
    """

    num_blocks = (3, 4, 6, 3)

    def __init__(
        self,
        norm_cfg: Dict = dict(type='BN'),
        init_cfg: Optional[Union[Dict, List[Dict]]] = KAIMING_FAN_OUT_INIT
    ) -> None:
        super().__init__(init_cfg)
        self.conv1 = conv3x3(3, 64)
        self.bn1 = norm_layer(norm_cfg, 64)
        in_channels = 64
        for i, (planes,
                n) in enumerate(zip((64, 128, 256, 512), self.num_blocks), 1):
            blocks = []
            for j in range(n):
                stride = 2 if i > 1 and j == 0 else 1
                blocks.append(
                    CIFARBottleneck(in_channels, planes, stride, norm_cfg))
                in_channels = planes * CIFARBottleneck.expansion
            self.add_module(f'layer{i}', nn.Sequential(*blocks))
        self.out_channels = in_channels

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        """Extract features.

        Args:
            x (torch.Tensor): Images, ``(N, 3, H, W)``.

        Returns:
            tuple[torch.Tensor]: The last stage's output,
            ``(N, 2048, H / 8, W / 8)``.
        """
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return (x, )
