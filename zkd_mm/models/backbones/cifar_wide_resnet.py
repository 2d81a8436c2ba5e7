# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CIFARWideResNet``: the wide ResNets (WRN-d-k) of the KD benchmarks."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .utils import KAIMING_FAN_OUT_INIT, conv1x1, conv3x3, norm_layer


class WideBasicBlock(nn.Module):
    """The pre-activation block of mdistiller's ``WideResNet``.

    ``bn1 -> relu -> conv1 -> bn2 -> relu -> (dropout) -> conv2``, added to
    the input, or to a 1x1 convolution of the pre-activated input when the
    channels change.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride of ``conv1`` and of the shortcut.
        drop_rate (float): Dropout probability before ``conv2``.
            Defaults to 0.
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int,
                 drop_rate: float = 0.,
                 norm_cfg: Dict = dict(type='BN')) -> None:
        super().__init__()
        self.bn1 = norm_layer(norm_cfg, in_channels)
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn2 = norm_layer(norm_cfg, out_channels)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.drop_rate = drop_rate
        # mdistiller's (camel-case) name, so that checkpoints map by prefix.
        self.convShortcut = None
        if in_channels != out_channels:
            self.convShortcut = conv1x1(in_channels, out_channels, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Pre-activation residual block."""
        out = F.relu(self.bn1(x))
        shortcut = x if self.convShortcut is None else self.convShortcut(out)
        out = F.relu(self.bn2(self.conv1(out)))
        if self.drop_rate > 0:
            out = F.dropout(out, p=self.drop_rate, training=self.training)
        return shortcut + self.conv2(out)


class WideStage(nn.Module):
    """A stage of :class:`WideBasicBlock` in ``self.layer``.

    The extra level mirrors mdistiller's ``NetworkBlock``, whose blocks are
    named ``block1.layer.0`` and so on.

    Args:
        num_blocks (int): Number of blocks.
        in_channels (int): Input channels of the first block.
        out_channels (int): Output channels of every block.
        stride (int): Stride of the first block.
        drop_rate (float): Dropout probability inside each block.
        norm_cfg (dict): Normalization layer config.
    """

    def __init__(self, num_blocks: int, in_channels: int, out_channels: int,
                 stride: int, drop_rate: float, norm_cfg: Dict) -> None:
        super().__init__()
        self.layer = nn.Sequential(*[
            WideBasicBlock(
                in_channels if i == 0 else out_channels,
                out_channels,
                stride if i == 0 else 1,
                drop_rate=drop_rate,
                norm_cfg=norm_cfg) for i in range(num_blocks)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Run the blocks in order."""
        return self.layer(x)


@MODELS.register_module()
class CIFARWideResNet(BaseModule):
    """The CIFAR wide ResNet WRN-depth-widen_factor of the KD benchmarks.

    mdistiller's ``WideResNet``: a 16-channel 3x3 stem, three stages of
    ``(depth - 4) / 6`` pre-activation blocks with ``16k``, ``32k`` and
    ``64k`` channels (the last two start with stride 2), then a final
    ``bn1`` and ReLU. Module names follow mdistiller (``conv1``,
    ``block1.layer.0.bn1``, ``block2.layer.0.convShortcut``, ``bn1``), so
    its checkpoints map by prefix. ``wrn_40_2`` is
    ``CIFARWideResNet(depth=40, widen_factor=2)``; likewise ``wrn_16_1``,
    ``wrn_16_2`` and ``wrn_40_1``.

    Args:
        depth (int): ``6n + 4``, e.g. 16, 28 or 40.
        widen_factor (int): Width multiplier k. Defaults to 1.
        drop_rate (float): Dropout probability inside each block.
            Defaults to 0 (as in all KD benchmark models).
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): Initialization config.
            Defaults to mdistiller's: normal ``std = sqrt(2 / fan_out)``
            convolutions and unit-weight, zero-bias normalization layers.
    """

    def __init__(
        self,
        depth: int,
        widen_factor: int = 1,
        drop_rate: float = 0.,
        norm_cfg: Dict = dict(type='BN'),
        init_cfg: Optional[Union[Dict, List[Dict]]] = KAIMING_FAN_OUT_INIT
    ) -> None:
        super().__init__(init_cfg)
        if depth < 10 or (depth - 4) % 6 != 0:
            raise ValueError('depth must be 6n + 4 with n >= 1, e.g. 16 or '
                             f'40, but got {depth}')
        self.depth = depth
        self.widen_factor = widen_factor
        k = widen_factor
        channels = [16, 16 * k, 32 * k, 64 * k]
        self.out_channels = channels[3]
        num_blocks = (depth - 4) // 6

        self.conv1 = conv3x3(3, channels[0])
        for i, stride in enumerate((1, 2, 2), start=1):
            self.add_module(
                f'block{i}',
                WideStage(num_blocks, channels[i - 1], channels[i], stride,
                          drop_rate, norm_cfg))
        self.bn1 = norm_layer(norm_cfg, channels[3])

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        """Extract features.

        Args:
            x (torch.Tensor): Images, ``(N, 3, H, W)``.

        Returns:
            tuple[torch.Tensor]: The activated last stage,
            ``(N, 64 * widen_factor, H / 4, W / 4)``.
        """
        x = self.block3(self.block2(self.block1(self.conv1(x))))
        return (F.relu(self.bn1(x)), )
