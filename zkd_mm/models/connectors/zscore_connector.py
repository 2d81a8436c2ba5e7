# Copyright (c) zkd_mm contributors. All rights reserved.
"""``ZScoreConnector``: the Z-score as a parameter-free MMRazor connector."""
from typing import Dict, Optional

import torch
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector
from mmrazor.registry import MODELS

from ..functional.zscore import DEFAULT_EPS, zscore
from ..losses.loss_args import check_number


@MODELS.register_module()
class ZScoreConnector(BaseConnector):
    """Standardize recorded logits per sample over dim 1.

    For per-loss use through ``loss_forward_mappings``. Reference it from
    **both** sides of a loss, or the loss compares standardized with raw
    logits::

        connectors=dict(zscore=dict(type='ZScoreConnector')),
        loss_forward_mappings=dict(loss_kl=dict(
            preds_S=dict(from_student=True, recorder='fc',
                         connector='zscore'),
            preds_T=dict(from_student=False, recorder='fc',
                         connector='zscore')))

    :class:`LogitStandardizedDistiller` does this for every loss at once.

    Args:
        eps (float): Added to each std. Defaults to 1e-7.
        init_cfg (dict, optional): Unused; the connector has no parameters.
    """

    def __init__(self,
                 eps: float = DEFAULT_EPS,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg)
        check_number('ZScoreConnector', 'eps', eps, 'non-negative')
        self.eps = eps

    def forward_train(self, feature: torch.Tensor) -> torch.Tensor:
        """Return ``zscore(feature)`` (float32 for low-precision input)."""
        return zscore(feature, dim=1, eps=self.eps)
