# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CIFARVGG``: the VGG-BN networks (vgg8 ... vgg19) of the KD benchmarks."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .utils import KAIMING_FAN_OUT_INIT, conv3x3, norm_layer


@MODELS.register_module()
class CIFARVGG(BaseModule):
    """The CIFAR VGG with batch normalization of the KD benchmarks.

    mdistiller's ``VGG(..., batch_norm=True)`` (``vgg8_bn`` ...
    ``vgg19_bn``): five blocks of ``conv3x3(bias=True) -> BN -> ReLU``
    (the last ReLU of each block is applied in ``forward``), separated by
    2x2 max pooling. Module names follow mdistiller (``block0.0`` is a
    convolution, ``block0.1`` its BN, ``block0.3`` the next convolution),
    so its checkpoints map by prefix.

    Like mdistiller, the pooling between ``block3`` and ``block4``
    (``pool3``) runs only for 64-pixel-high inputs (Tiny-ImageNet), so a
    32x32 image ends at 4x4 and the last two blocks share that resolution.

    Args:
        depth (int): 8, 11, 13, 16 or 19.
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): Initialization config.
            Defaults to mdistiller's: normal ``std = sqrt(2 / fan_out)``
            convolutions with zero bias, unit-weight and zero-bias
            normalization layers.
    """

    # Output channels of the convolutions of each of the five blocks.
    arch_settings = {
        8: [[64], [128], [256], [512], [512]],
        11: [[64], [128], [256, 256], [512, 512], [512, 512]],
        13: [[64, 64], [128, 128], [256, 256], [512, 512], [512, 512]],
        16: [[64, 64], [128, 128], [256] * 3, [512] * 3, [512] * 3],
        19: [[64, 64], [128, 128], [256] * 4, [512] * 4, [512] * 4],
    }

    def __init__(
        self,
        depth: int,
        norm_cfg: Dict = dict(type='BN'),
        init_cfg: Optional[Union[Dict, List[Dict]]] = KAIMING_FAN_OUT_INIT
    ) -> None:
        super().__init__(init_cfg)
        if depth not in self.arch_settings:
            raise ValueError(f'depth must be one of '
                             f'{sorted(self.arch_settings)}, but got {depth}')
        self.depth = depth
        stages = self.arch_settings[depth]
        self.out_channels = stages[-1][-1]
        in_channels = 3
        for i, stage in enumerate(stages):
            self.add_module(f'block{i}',
                            self._make_block(stage, in_channels, norm_cfg))
            in_channels = stage[-1]
        for i in range(4):
            self.add_module(f'pool{i}', nn.MaxPool2d(kernel_size=2, stride=2))

    @staticmethod
    def _make_block(channels: Sequence[int], in_channels: int,
                    norm_cfg: Dict) -> nn.Sequential:
        """``conv -> BN -> ReLU`` per entry of ``channels``, minus the last
        ReLU."""
        layers: List[nn.Module] = []
        for out_channels in channels:
            layers += [
                conv3x3(in_channels, out_channels, bias=True),
                norm_layer(norm_cfg, out_channels),
                nn.ReLU(inplace=True)
            ]
            in_channels = out_channels
        return nn.Sequential(*layers[:-1])

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        """Extract features.

        Args:
            x (torch.Tensor): Images, ``(N, 3, H, W)``.

        Returns:
            tuple[torch.Tensor]: The activated last block, ``(N, 512, 4, 4)``
            for 32x32 and for 64x64 images.
        """
        pool3 = x.shape[2] == 64
        x = F.relu(self.block0(x))
        x = F.relu(self.block1(self.pool0(x)))
        x = F.relu(self.block2(self.pool1(x)))
        x = F.relu(self.block3(self.pool2(x)))
        if pool3:
            x = self.pool3(x)
        return (F.relu(self.block4(x)), )
