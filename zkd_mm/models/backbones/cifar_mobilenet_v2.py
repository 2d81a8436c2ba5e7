# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CIFARMobileNetV2``: the half-width CIFAR MobileNetV2 of the KD
benchmarks."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .utils import KAIMING_FAN_OUT_INIT, conv1x1, conv3x3, norm_layer


def conv_norm_relu(conv: nn.Conv2d, norm_cfg: Dict) -> nn.Sequential:
    """``conv -> norm -> ReLU``, named ``0``, ``1`` and ``2``."""
    return nn.Sequential(conv, norm_layer(norm_cfg, conv.out_channels),
                         nn.ReLU(inplace=True))


class InvertedResidual(nn.Module):
    """MobileNetV2's inverted residual block, as mdistiller builds it.

    ``self.conv`` holds expansion 1x1 (``0``, ``1``, ReLU), depthwise 3x3
    (``3``, ``4``, ReLU) and linear projection 1x1 (``6``, ``7``). The input
    is added when the stride is 1 and the channels do not change. The
    expansion runs even at ratio 1, as in mdistiller.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride of the depthwise convolution, 1 or 2.
        expand_ratio (int): Hidden channels per input channel.
        norm_cfg (dict): Normalization layer config.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 expand_ratio: int, norm_cfg: Dict) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f'stride must be 1 or 2, but got {stride}')
        hidden = in_channels * expand_ratio
        self.use_res_connect = stride == 1 and in_channels == out_channels
        self.conv = nn.Sequential(
            *conv_norm_relu(conv1x1(in_channels, hidden), norm_cfg),
            *conv_norm_relu(
                conv3x3(hidden, hidden, stride, groups=hidden), norm_cfg),
            conv1x1(hidden, out_channels), norm_layer(norm_cfg, out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Inverted residual block."""
        out = self.conv(x)
        return x + out if self.use_res_connect else out


@MODELS.register_module()
class CIFARMobileNetV2(BaseModule):
    """The CIFAR MobileNetV2 of the KD benchmarks ("MN-V2").

    mdistiller's ``MobileNetV2`` (``mobile_half`` is width 0.5, expansion 6):
    a stride-2 3x3 stem, seven stages of inverted residual blocks with
    ``(c, n, s)`` = (16, 1, 1), (24, 2, 1), (32, 3, 2), (64, 4, 2),
    (96, 3, 1), (160, 3, 2), (320, 1, 1) (channels times ``width_mult``;
    the first stage expands by 1), then a 1x1 convolution to 1280 channels
    (``1280 * width_mult`` when ``width_mult > 1``). Module names follow
    mdistiller (``conv1.0``, ``blocks.1.0.conv.3``, ``conv2.1``), so its
    checkpoints map by prefix.

    Args:
        width_mult (float): Channel multiplier. Defaults to 0.5.
        expand_ratio (int): Expansion of all but the first stage.
            Defaults to 6.
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): Initialization config.
            Defaults to mdistiller's: normal ``std = sqrt(2 / fan_out)``
            convolutions, unit-weight and zero-bias normalization layers.
    """

    # t (expansion; None means ``expand_ratio``), c, n, s of each stage.
    arch_setting = [(1, 16, 1, 1), (None, 24, 2, 1), (None, 32, 3, 2),
                    (None, 64, 4, 2), (None, 96, 3, 1), (None, 160, 3, 2),
                    (None, 320, 1, 1)]

    def __init__(
        self,
        width_mult: float = 0.5,
        expand_ratio: int = 6,
        norm_cfg: Dict = dict(type='BN'),
        init_cfg: Optional[Union[Dict, List[Dict]]] = KAIMING_FAN_OUT_INIT
    ) -> None:
        super().__init__(init_cfg)
        self.width_mult = width_mult
        self.expand_ratio = expand_ratio
        in_channels = int(32 * width_mult)
        self.conv1 = conv_norm_relu(conv3x3(3, in_channels, 2), norm_cfg)

        self.blocks = nn.ModuleList()
        for t, c, n, s in self.arch_setting:
            out_channels = int(c * width_mult)
            stage = []
            for i in range(n):
                stage.append(
                    InvertedResidual(in_channels, out_channels,
                                     s if i == 0 else 1, t or expand_ratio,
                                     norm_cfg))
                in_channels = out_channels
            self.blocks.append(nn.Sequential(*stage))

        self.out_channels = int(1280 * width_mult) if width_mult > 1 else 1280
        self.conv2 = conv_norm_relu(
            conv1x1(in_channels, self.out_channels), norm_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        """Extract features.

        Args:
            x (torch.Tensor): Images, ``(N, 3, H, W)``.

        Returns:
            tuple[torch.Tensor]: The last 1x1 convolution's activated
            output, ``(N, 1280, H / 16, W / 16)`` for ``width_mult <= 1``.
        """
        x = self.conv1(x)
        for stage in self.blocks:
            x = stage(x)
        return (self.conv2(x), )
