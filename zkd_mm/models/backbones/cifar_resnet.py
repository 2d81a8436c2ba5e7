# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CIFARResNetKD``: the CIFAR ResNets of the KD benchmarks.

These are mdistiller's ``resnet8`` ... ``resnet110``, ``resnet8x4`` and
``resnet32x4`` (after CRD's RepDistiller). mmpretrain's ``ResNet_CIFAR`` is
another network: its stem is 64 channels wide and it has four stages.
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .utils import KAIMING_FAN_OUT_INIT, conv1x1, conv3x3, norm_layer


class CIFARBasicBlock(nn.Module):
    """The post-activation basic block of mdistiller's CIFAR ResNets.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride of the first convolution. Defaults to 1.
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int = 1,
                 norm_cfg: Dict = dict(type='BN')) -> None:
        super().__init__()
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = norm_layer(norm_cfg, out_channels)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = norm_layer(norm_cfg, out_channels)
        # mdistiller's name, so that its checkpoints map by prefix.
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                conv1x1(in_channels, out_channels, stride),
                norm_layer(norm_cfg, out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))."""
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return F.relu(out + identity)


@MODELS.register_module()
class CIFARResNetKD(BaseModule):
    """The CIFAR ResNet of the knowledge distillation benchmarks.

    A 3x3 stem and three stages of ``(depth - 2) / 6`` basic blocks; the
    second and third stages start with stride 2. Module names follow
    mdistiller's ``ResNet`` (``conv1``, ``bn1``, ``layer1.0.conv1``,
    ``layer2.0.downsample.0``, ...), so its checkpoints map by prefix.

    ==============  =====  ======================
    mdistiller      depth  num_filters
    ==============  =====  ======================
    ``resnet8``     8      ``(16, 16, 32, 64)``
    ``resnet20``    20     ``(16, 16, 32, 64)``
    ``resnet56``    56     ``(16, 16, 32, 64)``
    ``resnet110``   110    ``(16, 16, 32, 64)``
    ``resnet8x4``   8      ``(32, 64, 128, 256)``
    ``resnet32x4``  32     ``(32, 64, 128, 256)``
    ==============  =====  ======================

    (and likewise ``resnet14``, ``resnet32``, ``resnet44``).

    Args:
        depth (int): ``6n + 2``, e.g. 8, 14, 20, 32, 44, 56 or 110.
        num_filters (Sequence[int]): Channels of the stem and of the three
            stages. Defaults to ``(16, 16, 32, 64)``.
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): Initialization config.
            Defaults to mdistiller's: Kaiming normal (fan_out) convolutions
            and unit-weight, zero-bias normalization layers.
    """

    def __init__(
        self,
        depth: int,
        num_filters: Sequence[int] = (16, 16, 32, 64),
        norm_cfg: Dict = dict(type='BN'),
        init_cfg: Optional[Union[Dict, List[Dict]]] = KAIMING_FAN_OUT_INIT
    ) -> None:
        super().__init__(init_cfg)
        if depth < 8 or (depth - 2) % 6 != 0:
            raise ValueError(
                f'depth must be 6n + 2 with n >= 1, e.g. 8, 20, 32, 56 or '
                f'110, but got {depth}')
        if len(num_filters) != 4:
            raise ValueError('num_filters must hold 4 channel numbers (stem '
                             f'and three stages), but got {num_filters}')
        self.depth = depth
        self.num_filters = tuple(num_filters)
        self.out_channels = self.num_filters[3]
        num_blocks = (depth - 2) // 6

        self.conv1 = conv3x3(3, self.num_filters[0])
        self.bn1 = norm_layer(norm_cfg, self.num_filters[0])
        in_channels = self.num_filters[0]
        for i, stride in enumerate((1, 2, 2), start=1):
            out_channels = self.num_filters[i]
            blocks = [
                CIFARBasicBlock(
                    in_channels if j == 0 else out_channels,
                    out_channels,
                    stride=stride if j == 0 else 1,
                    norm_cfg=norm_cfg) for j in range(num_blocks)
            ]
            self.add_module(f'layer{i}', nn.Sequential(*blocks))
            in_channels = out_channels

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        """Extract features.

        Args:
            x (torch.Tensor): Images, ``(N, 3, H, W)``.

        Returns:
            tuple[torch.Tensor]: The last stage's output,
            ``(N, num_filters[3], H / 4, W / 4)``.
        """
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return (x, )
