# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CIFARShuffleNetV1``: the CIFAR ShuffleNetV1 of the KD benchmarks."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .utils import channel_shuffle, conv1x1, conv3x3, norm_layer


class ShuffleV1Block(nn.Module):
    """mdistiller's ShuffleNetV1 bottleneck.

    Grouped 1x1 (``conv1``), channel shuffle, depthwise 3x3 (``conv2``),
    grouped 1x1 (``conv3``). With stride 2 the block's output is
    concatenated with a 3x3 average pooling of its input (so it produces
    ``out_channels`` new channels); otherwise the input is added.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Channels produced by ``conv3``.
        stride (int): 1 or 2.
        groups (int): Groups of ``conv3``, and of ``conv1`` unless
            ``first_groups`` is given.
        first_groups (int, optional): Groups of ``conv1`` (and of the
            shuffle). mdistiller uses 1 for the very first block, whose
            input is the 24-channel stem. Defaults to ``groups``.
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        stride: int,
        groups: int,
        first_groups: Optional[int] = None,
        norm_cfg: Dict = dict(type='BN')
    ) -> None:
        super().__init__()
        self.stride = stride
        self.first_groups = groups if first_groups is None else first_groups
        mid_channels = out_channels // 4
        self.conv1 = conv1x1(
            in_channels, mid_channels, groups=self.first_groups)
        self.bn1 = norm_layer(norm_cfg, mid_channels)
        self.conv2 = conv3x3(
            mid_channels, mid_channels, stride, groups=mid_channels)
        self.bn2 = norm_layer(norm_cfg, mid_channels)
        self.conv3 = conv1x1(mid_channels, out_channels, groups=groups)
        self.bn3 = norm_layer(norm_cfg, out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """ShuffleNetV1 unit."""
        out = F.relu(self.bn1(self.conv1(x)))
        out = channel_shuffle(out, self.first_groups)
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.stride == 2:
            shortcut = F.avg_pool2d(x, 3, stride=2, padding=1)
            return F.relu(torch.cat([out, shortcut], 1))
        return F.relu(out + x)


@MODELS.register_module()
class CIFARShuffleNetV1(BaseModule):
    """The CIFAR ShuffleNetV1 of the KD benchmarks ("ShuffleV1").

    mdistiller's ``ShuffleV1``: a 24-channel 1x1 stem without pooling, then
    three stages of :class:`ShuffleV1Block` that each start with stride 2.
    Module names follow mdistiller (``conv1``, ``bn1``, ``layer1.0.conv1``
    ...), so its checkpoints map by prefix.

    Args:
        out_channels (Sequence[int]): Output channels of the three stages.
            Defaults to ``(240, 480, 960)``.
        num_blocks (Sequence[int]): Blocks per stage.
            Defaults to ``(4, 8, 4)``.
        groups (int): Groups of the 1x1 convolutions. Defaults to 3.
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): Initialization config.
            Defaults to None: PyTorch's default initialization, as in
            mdistiller.
    """

    stem_channels = 24

    def __init__(self,
                 out_channels: Sequence[int] = (240, 480, 960),
                 num_blocks: Sequence[int] = (4, 8, 4),
                 groups: int = 3,
                 norm_cfg: Dict = dict(type='BN'),
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(init_cfg)
        if len(out_channels) != 3 or len(num_blocks) != 3:
            raise ValueError('out_channels and num_blocks must each hold 3 '
                             f'numbers, but got {out_channels} and '
                             f'{num_blocks}')
        self.out_channels = out_channels[-1]
        self.conv1 = conv1x1(3, self.stem_channels)
        self.bn1 = norm_layer(norm_cfg, self.stem_channels)
        in_channels = self.stem_channels
        for i, (channels, n) in enumerate(zip(out_channels, num_blocks), 1):
            blocks = [
                ShuffleV1Block(
                    in_channels,
                    # The first block's output is concatenated with its
                    # pooled input.
                    channels - in_channels,
                    stride=2,
                    groups=groups,
                    first_groups=1 if i == 1 else groups,
                    norm_cfg=norm_cfg)
            ]
            blocks += [
                ShuffleV1Block(
                    channels, channels, 1, groups, norm_cfg=norm_cfg)
                for _ in range(n - 1)
            ]
            self.add_module(f'layer{i}', nn.Sequential(*blocks))
            in_channels = channels

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        """Extract features.

        Args:
            x (torch.Tensor): Images, ``(N, 3, H, W)``.

        Returns:
            tuple[torch.Tensor]: The last stage's output,
            ``(N, 960, H / 8, W / 8)`` by default.
        """
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return (x, )
