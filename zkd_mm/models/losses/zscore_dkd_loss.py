# Copyright (c) zkd_mm contributors. All rights reserved.
"""``ZScoreDKDLoss``: Decoupled KD on standardized logits, per-sample mean."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS

from ..functional.zscore import DEFAULT_EPS, zscore
from ..functional.zscore_kl_div import check_logit_pair
from .loss_args import check_loss_args, check_number
from .nonfinite import check_finite_loss

_REDUCTIONS = ('batchmean', 'sum', 'none')
# Subtracted from the target logit (after /tau) to drop it from the
# non-target softmax, as the DKD paper's code does.
_TARGET_MASK_LOGIT = 1000.0


def _check_labels(gt_labels: torch.Tensor, logits: torch.Tensor) -> None:
    if gt_labels.dim() != 1 or gt_labels.shape[0] != logits.shape[0]:
        raise ValueError(
            'ZScoreDKDLoss needs one hard class index per sample, shape '
            f'({logits.shape[0]},), got gt_labels of shape '
            f'{tuple(gt_labels.shape)}. Batch augments such as Mixup or '
            'CutMix produce soft labels, which DKD cannot use.')
    if gt_labels.dtype.is_floating_point or gt_labels.numel() and (
            gt_labels.min() < 0 or gt_labels.max() >= logits.shape[1]):
        raise ValueError(
            f'ZScoreDKDLoss: gt_labels must be integer class indices in '
            f'[0, {logits.shape[1]}), got {gt_labels.tolist()[:8]}...')


def _kl_rows(log_q: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """Per-sample ``sum_k p_k (log p_k - log q_k)``."""
    return F.kl_div(log_q, p, reduction='none').sum(1)


@MODELS.register_module()
class ZScoreDKDLoss(nn.Module):
    """Decoupled KD (Zhao et al., CVPR 2022) on Z-score standardized logits.

    As in the official code of `Logit Standardization in Knowledge
    Distillation <https://arxiv.org/abs/2403.01427>`_: both sides are
    standardized over all classes first, then DKD's target-class term (TCKD)
    and non-target term (NCKD) are computed at the base temperature ``tau``::

        loss = loss_weight * tau**2 * (alpha * TCKD + beta * NCKD)

    averaged over the batch. With the paper's KD weight ``w``, the official
    code multiplies alpha and beta by ``w``; here set ``loss_weight=w``.

    Unlike MMRazor's ``DKDLoss``, whose ``size_average=False`` makes any
    ``reduction`` other than ``'batchmean'`` a sum over the batch, the
    reduction here is explicit: ``'batchmean'`` (default, the paper's
    per-sample mean), ``'sum'`` or ``'none'`` (per sample).

    Args:
        tau (float): Base temperature. Defaults to 2.0.
        alpha (float): Weight of TCKD. Defaults to 1.0.
        beta (float): Weight of NCKD. Defaults to 8.0.
        loss_weight (float): Overall weight (the paper's KD weight).
            Defaults to 1.0.
        reduction (str): ``'batchmean'``, ``'sum'`` or ``'none'``.
            Defaults to ``'batchmean'``.
        standardize (bool): Z-score the logits first. ``False`` gives plain
            DKD with a per-sample mean. Defaults to True.
        teacher_detach (bool): Stop gradients into the teacher logits.
            Defaults to True.
        eps (float): Added to each std. Defaults to 1e-7.
        nonfinite (str): ``'raise'`` or ``'propagate'``, as in
            :class:`ZScoreKLDivergence`. Defaults to ``'raise'``.
    """

    def __init__(self,
                 tau: float = 2.0,
                 alpha: float = 1.0,
                 beta: float = 8.0,
                 loss_weight: float = 1.0,
                 reduction: str = 'batchmean',
                 standardize: bool = True,
                 teacher_detach: bool = True,
                 eps: float = DEFAULT_EPS,
                 nonfinite: str = 'raise') -> None:
        super().__init__()
        check_loss_args('ZScoreDKDLoss', nonfinite=nonfinite, tau=tau,
                        eps=eps, loss_weight=loss_weight,
                        reduction=reduction, reductions=_REDUCTIONS)
        check_number('ZScoreDKDLoss', 'alpha', alpha, 'non-negative')
        check_number('ZScoreDKDLoss', 'beta', beta, 'non-negative')
        self.tau = tau
        self.alpha = alpha
        self.beta = beta
        self.loss_weight = loss_weight
        self.reduction = reduction
        self.standardize = standardize
        self.teacher_detach = teacher_detach
        self.eps = eps
        self.nonfinite = nonfinite

    def forward(self, preds_S: torch.Tensor, preds_T: torch.Tensor,
                gt_labels: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            preds_S (torch.Tensor): Student logits, (N, C).
            preds_T (torch.Tensor): Teacher logits, (N, C).
            gt_labels (torch.Tensor): Class indices, (N,).

        Returns:
            torch.Tensor: The weighted loss.
        """
        check_logit_pair(preds_S, preds_T)
        _check_labels(gt_labels, preds_S)
        if self.teacher_detach:
            preds_T = preds_T.detach()
        if self.standardize:
            student = zscore(preds_S, 1, self.eps) / self.tau
            teacher = zscore(preds_T, 1, self.eps) / self.tau
        else:
            student = preds_S.float() / self.tau
            teacher = preds_T.float() / self.tau
        target = F.one_hot(gt_labels.long(), student.shape[1]).to(student)

        per_sample = self.tau**2 * (
            self.alpha * self._target_term(student, teacher, target) +
            self.beta * self._non_target_term(student, teacher, target))
        if self.reduction == 'batchmean':
            loss = per_sample.mean()
        elif self.reduction == 'sum':
            loss = per_sample.sum()
        else:
            loss = per_sample
        loss = self.loss_weight * loss
        if self.nonfinite == 'raise':
            check_finite_loss(loss, preds_S, preds_T, type(self).__name__)
        return loss

    @staticmethod
    def _target_term(student: torch.Tensor, teacher: torch.Tensor,
                     target: torch.Tensor) -> torch.Tensor:
        """TCKD: KL of the binary (target, all others) distributions."""

        def binary(logits):
            probs = logits.softmax(1)
            in_target = (probs * target).sum(1, keepdim=True)
            others = (probs * (1 - target)).sum(1, keepdim=True)
            return torch.cat([in_target, others], dim=1)

        return _kl_rows(binary(student).log(), binary(teacher))

    @staticmethod
    def _non_target_term(student: torch.Tensor, teacher: torch.Tensor,
                         target: torch.Tensor) -> torch.Tensor:
        """NCKD: KL over the non-target classes only."""
        mask = _TARGET_MASK_LOGIT * target
        return _kl_rows((student - mask).log_softmax(1),
                        (teacher - mask).softmax(1))
