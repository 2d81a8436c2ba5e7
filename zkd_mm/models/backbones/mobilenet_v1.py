# Copyright (c) zkd_mm contributors. All rights reserved.
"""``MobileNetV1ImageNet``: the ImageNet R50 -> MN-V1 student."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .utils import conv1x1, conv3x3, norm_layer


@MODELS.register_module()
class MobileNetV1ImageNet(BaseModule):
    """The ImageNet MobileNetV1 of the KD benchmarks ("MN-V1").

    mdistiller's ``imagenet/mobilenetv1.py`` ``MobileNetV1``, which the
    paper's code (logit-standardization-KD) names ``MobileNetV2`` in its
    ImageNet model dict. ``self.model`` holds a stride-2 3x3 stem
    (``model.0``: conv ``0``, BN ``1``, ReLU) and 13 depthwise-separable
    units (``model.1`` ... ``model.13``: depthwise 3x3 ``0``/``1``, ReLU,
    pointwise 1x1 ``3``/``4``, ReLU) from 32 to 1024 channels. mdistiller's
    ``model.14`` (a 7x7 average pooling) has no parameters and is left to
    the classifier's neck. Module names follow mdistiller, so its
    checkpoints map by prefix.

    Args:
        norm_cfg (dict): Normalization layer config.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): Initialization config.
            Defaults to None: PyTorch's default initialization, as in
            mdistiller.
    """

    # (output channels, stride) of the depthwise-separable units.
    arch_setting = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                    (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
                    (1024, 2), (1024, 1)]
    stem_channels = 32

    def __init__(self,
                 norm_cfg: Dict = dict(type='BN'),
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(init_cfg)
        layers = [
            nn.Sequential(
                conv3x3(3, self.stem_channels, 2),
                norm_layer(norm_cfg, self.stem_channels),
                nn.ReLU(inplace=True))
        ]
        in_channels = self.stem_channels
        for out_channels, stride in self.arch_setting:
            layers.append(
                nn.Sequential(
                    conv3x3(
                        in_channels, in_channels, stride, groups=in_channels),
                    norm_layer(norm_cfg, in_channels), nn.ReLU(inplace=True),
                    conv1x1(in_channels, out_channels),
                    norm_layer(norm_cfg, out_channels), nn.ReLU(inplace=True)))
            in_channels = out_channels
        self.model = nn.Sequential(*layers)
        self.out_channels = in_channels

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        """Extract features.

        Args:
            x (torch.Tensor): Images, ``(N, 3, H, W)``.

        Returns:
            tuple[torch.Tensor]: The last unit's output,
            ``(N, 1024, H / 32, W / 32)`` (7x7 for 224x224 images).
        """
        return (self.model(x), )
