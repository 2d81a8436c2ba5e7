# Copyright (c) zkd_mm contributors. All rights reserved.
"""``ZScoreKLDivergence``: KD on per-sample standardized logits."""
import torch
import torch.nn as nn
from mmrazor.registry import MODELS

from ..functional.zscore import DEFAULT_EPS
from ..functional.zscore_kl_div import (REDUCTIONS, check_logit_pair,
                                        weighted_zscore_kl_div)
from .plumbing import check_loss_args


@MODELS.register_module()
class ZScoreKLDivergence(nn.Module):
    """KL divergence of Z-score standardized logits.

    PyTorch version of `Logit Standardization in Knowledge Distillation
    <https://arxiv.org/abs/2403.01427>`_ (Sun et al., CVPR 2024). Each
    sample's logits, student's and teacher's separately, are standardized
    over the class dim (dim 1) with their own mean and unbiased std before
    the temperature softmax::

        loss = loss_weight * tau**2 * KL(softmax(Z(t) / tau)
                                         || softmax(Z(s) / tau))

    The numbers equal the official implementation. It is a drop-in
    replacement for MMRazor's ``KLDivergence``: same ``forward`` arguments,
    same reductions. Inputs of any float dtype are computed in float32.

    Args:
        tau (float): Base temperature, applied after standardization.
            Defaults to 2.0.
        loss_weight (float): Weight of the loss (the paper's KD weight, 9
            in most of its experiments). Defaults to 1.0.
        reduction (str): ``'batchmean'`` (as the paper), ``'sum'``,
            ``'mean'`` or ``'none'``, with the meaning of MMRazor's
            ``KLDivergence``. Defaults to ``'batchmean'``.
        teacher_detach (bool): Whether to stop gradients into the teacher
            logits. Defaults to True.
        eps (float): Added to each std; keeps a constant logit row finite.
            Defaults to 1e-7, as the official code.

    A NaN or infinite loss (which happens exactly when some logits are) is
    returned as it is, with no host-device synchronization here;
    ``FiniteCheckHook`` stops the run once per iteration, naming the loss,
    the side and the samples (:mod:`zkd_mm.models.losses.plumbing`).
    """

    def __init__(self,
                 tau: float = 2.0,
                 loss_weight: float = 1.0,
                 reduction: str = 'batchmean',
                 teacher_detach: bool = True,
                 eps: float = DEFAULT_EPS) -> None:
        super().__init__()
        check_loss_args('ZScoreKLDivergence', tau=tau,
                        eps=eps, loss_weight=loss_weight,
                        reduction=reduction, reductions=REDUCTIONS)
        self.tau = tau
        self.loss_weight = loss_weight
        self.reduction = reduction
        self.teacher_detach = teacher_detach
        self.eps = eps

    def forward(self, preds_S: torch.Tensor,
                preds_T: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            preds_S (torch.Tensor): Student logits, (N, C) or (N, C, H, W).
            preds_T (torch.Tensor): Teacher logits, same shape.

        Returns:
            torch.Tensor: The weighted loss.
        """
        if self.teacher_detach:
            preds_T = preds_T.detach()
        check_logit_pair(preds_S, preds_T)
        return weighted_zscore_kl_div(preds_S, preds_T, self.tau,
                                      self.reduction, self.eps,
                                      self.loss_weight)

    def extra_repr(self) -> str:
        return (f'tau={self.tau}, loss_weight={self.loss_weight}, '
                f'reduction={self.reduction!r}, '
                f'teacher_detach={self.teacher_detach}, eps={self.eps}')
