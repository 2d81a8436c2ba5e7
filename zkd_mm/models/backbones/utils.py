# Copyright (c) zkd_mm contributors. All rights reserved.
"""Layer helpers shared by the KD benchmark backbones."""
from typing import Dict

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer

# mdistiller's initialization of most CIFAR backbones: Kaiming normal
# (fan_out, ReLU gain) convolutions, zero conv biases, unit-weight and
# zero-bias normalization layers. Its ``normal_(0, sqrt(2 / n))`` with
# ``n = k * k * out_channels`` is the same distribution.
KAIMING_FAN_OUT_INIT = [
    dict(type='Kaiming', layer='Conv2d', mode='fan_out', nonlinearity='relu'),
    dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])
]


def conv3x3(in_channels: int,
            out_channels: int,
            stride: int = 1,
            groups: int = 1,
            bias: bool = False) -> nn.Conv2d:
    """A 3x3 convolution with padding 1."""
    return nn.Conv2d(
        in_channels,
        out_channels,
        kernel_size=3,
        stride=stride,
        padding=1,
        groups=groups,
        bias=bias)


def conv1x1(in_channels: int,
            out_channels: int,
            stride: int = 1,
            groups: int = 1) -> nn.Conv2d:
    """A 1x1 convolution without bias."""
    return nn.Conv2d(
        in_channels,
        out_channels,
        kernel_size=1,
        stride=stride,
        groups=groups,
        bias=False)


def norm_layer(norm_cfg: Dict, num_features: int) -> nn.Module:
    """The normalization layer that ``norm_cfg`` describes."""
    return build_norm_layer(norm_cfg, num_features)[1]


def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    """Interleave the channels of ``groups`` equal groups (ShuffleNet).

    ``(N, g * c, H, W)`` is viewed as ``(N, g, c, H, W)``, transposed to
    ``(N, c, g, H, W)`` and flattened back.
    """
    n, c, h, w = x.shape
    x = x.reshape(n, groups, c // groups, h, w).transpose(1, 2)
    return x.reshape(n, c, h, w)
