# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CIFARShuffleNetV2``: the CIFAR ShuffleNetV2 of the KD benchmarks."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .utils import channel_shuffle, conv1x1, conv3x3, norm_layer


class ShuffleV2Block(nn.Module):
    """mdistiller's ShuffleNetV2 basic (stride 1) unit.

    The input's first half passes through; the second half goes through
    1x1 (``conv1``) -> depthwise 3x3 (``conv2``) -> 1x1 (``conv3``); the
    halves are concatenated and shuffled in two groups.

    Args:
        channels (int): Input and output channels (even).
        norm_cfg (dict): Normalization layer config.
    """

    def __init__(self, channels: int, norm_cfg: Dict) -> None:
        super().__init__()
        half = channels // 2
        self.conv1 = conv1x1(half, half)
        self.bn1 = norm_layer(norm_cfg, half)
        self.conv2 = conv3x3(half, half, groups=half)
        self.bn2 = norm_layer(norm_cfg, half)
        self.conv3 = conv1x1(half, half)
        self.bn3 = norm_layer(norm_cfg, half)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """ShuffleNetV2 basic unit."""
        x1, x2 = x.chunk(2, dim=1)
        out = F.relu(self.bn1(self.conv1(x2)))
        out = self.bn2(self.conv2(out))
        out = F.relu(self.bn3(self.conv3(out)))
        return channel_shuffle(torch.cat([x1, out], 1), 2)


class ShuffleV2DownBlock(nn.Module):
    """mdistiller's ShuffleNetV2 down-sampling (stride 2) unit.

    Left branch: depthwise 3x3 stride 2 (``conv1``) -> 1x1 (``conv2``).
    Right branch: 1x1 (``conv3``) -> depthwise 3x3 stride 2 (``conv4``) ->
    1x1 (``conv5``). Both give ``out_channels / 2`` channels; they are
    concatenated and shuffled in two groups.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels (even).
        norm_cfg (dict): Normalization layer config.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 norm_cfg: Dict) -> None:
        super().__init__()
        mid = out_channels // 2
        self.conv1 = conv3x3(in_channels, in_channels, 2, groups=in_channels)
        self.bn1 = norm_layer(norm_cfg, in_channels)
        self.conv2 = conv1x1(in_channels, mid)
        self.bn2 = norm_layer(norm_cfg, mid)
        self.conv3 = conv1x1(in_channels, mid)
        self.bn3 = norm_layer(norm_cfg, mid)
        self.conv4 = conv3x3(mid, mid, 2, groups=mid)
        self.bn4 = norm_layer(norm_cfg, mid)
        self.conv5 = conv1x1(mid, mid)
        self.bn5 = norm_layer(norm_cfg, mid)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """ShuffleNetV2 down-sampling unit."""
        left = self.bn1(self.conv1(x))
        left = F.relu(self.bn2(self.conv2(left)))
        right = F.relu(self.bn3(self.conv3(x)))
        right = self.bn4(self.conv4(right))
        right = F.relu(self.bn5(self.conv5(right)))
        return channel_shuffle(torch.cat([left, right], 1), 2)


@MODELS.register_module()
class CIFARShuffleNetV2(BaseModule):
    """The CIFAR ShuffleNetV2 of the KD benchmarks ("ShuffleV2", "SHN-V2").

    mdistiller's ``ShuffleNetV2`` (``ShuffleV2`` is ``net_size=1``): a
    24-channel 1x1 stem without pooling, three stages of one
    :class:`ShuffleV2DownBlock` followed by ``num_blocks`` (3, 7, 3)
    :class:`ShuffleV2Block`, then a 1x1 convolution (``conv2``, ``bn2``,
    ReLU). Module names follow mdistiller (``layer1.0.conv4``,
    ``layer1.1.conv1``, ...), so its checkpoints map by prefix.

    Args:
        net_size (float): mdistiller's size key: 0.2, 0.3, 0.5, 1, 1.5 or
            2. Defaults to 1.
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): Initialization config.
            Defaults to None: PyTorch's default initialization, as in
            mdistiller.
    """

    # net_size: (stage channels + last conv channels, blocks per stage)
    arch_settings = {
        0.2: ((40, 80, 160, 512), (3, 3, 3)),
        0.3: ((40, 80, 160, 512), (3, 7, 3)),
        0.5: ((48, 96, 192, 1024), (3, 7, 3)),
        1: ((116, 232, 464, 1024), (3, 7, 3)),
        1.5: ((176, 352, 704, 1024), (3, 7, 3)),
        2: ((224, 488, 976, 2048), (3, 7, 3)),
    }
    stem_channels = 24

    def __init__(self,
                 net_size: float = 1,
                 norm_cfg: Dict = dict(type='BN'),
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(init_cfg)
        if net_size not in self.arch_settings:
            raise ValueError(f'net_size must be one of '
                             f'{sorted(self.arch_settings)}, but got '
                             f'{net_size}')
        self.net_size = net_size
        channels, num_blocks = self.arch_settings[net_size]
        self.out_channels = channels[3]
        self.conv1 = conv1x1(3, self.stem_channels)
        self.bn1 = norm_layer(norm_cfg, self.stem_channels)
        in_channels = self.stem_channels
        for i, (out_channels, n) in enumerate(zip(channels, num_blocks), 1):
            blocks = [ShuffleV2DownBlock(in_channels, out_channels, norm_cfg)]
            blocks += [
                ShuffleV2Block(out_channels, norm_cfg) for _ in range(n)
            ]
            self.add_module(f'layer{i}', nn.Sequential(*blocks))
            in_channels = out_channels
        self.conv2 = conv1x1(in_channels, channels[3])
        self.bn2 = norm_layer(norm_cfg, channels[3])

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        """Extract features.

        Args:
            x (torch.Tensor): Images, ``(N, 3, H, W)``.

        Returns:
            tuple[torch.Tensor]: The last 1x1 convolution's activated
            output, ``(N, 1024, H / 8, W / 8)`` by default.
        """
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return (F.relu(self.bn2(self.conv2(x))), )
