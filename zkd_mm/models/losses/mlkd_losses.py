# Copyright (c) zkd_mm contributors. All rights reserved.
"""MLKD's three alignment losses: instance, class and batch level.

`Multi-Level Logit Distillation
<https://openaccess.thecvf.com/content/CVPR2023/html/Jin_Multi-Level_Logit_Distillation_CVPR_2023_paper.html>`_
(Jin et al., CVPR 2023) trains the student on a weakly and a strongly
augmented view of each image (``MultiViewSingleTeacherDistill``) and aligns
its predictions with the teacher's at three levels, each summed over
several temperatures. They are three losses here, so that each is logged
on its own, like the official ``loss_kd``, ``loss_cc`` and ``loss_bc``.

With ``standardize=True`` the instance-level logits are Z-score
standardized (Sun et al., CVPR 2024), teacher and student separately; the
class- and batch-level terms always use the raw logits, as in the official
code of the logit standardization paper.

The teacher-confidence masks (the teacher's weak-view softmax at
temperature 1; samples or classes at most as confident as the batch median)
weight each sample (or class) by default. ``official_quirks=True``
reproduces what the official code computes instead, so that the papers'
numbers can be reproduced:

- each term is reduced to a scalar *before* the mask is applied, so the
  mask only scales the loss by the fraction of kept rows (about 0.5);
- in the strong-view instance sum, the terms at the fourth and fifth
  temperature (2 and 6 by default) use the weak-view logits.
"""
import math
from typing import Callable, Sequence, Tuple

import torch
import torch.nn as nn
from mmrazor.registry import MODELS

from ..functional.mlkd import (batch_gram_rows, class_confidence_mask,
                               class_gram_rows, masked_reduce, per_sample_kd,
                               sample_confidence_mask)
from ..functional.zscore import (DEFAULT_EPS, autocast_disabled, compute_dtype,
                                 zscore)
from ..functional.zscore_kl_div import check_logit_pair
from .plumbing import check_loss_args

# The official temperatures: the base temperature, then 3, 5, 2 and 6.
MLKD_TEMPERATURES = (4.0, 3.0, 5.0, 2.0, 6.0)
# Official quirk: strong-view instance terms from this index on use the
# weak view.
_WEAK_IN_STRONG_FROM = 3

RowFn = Callable[[torch.Tensor, torch.Tensor, float], torch.Tensor]


class _MLKDLoss(nn.Module):
    """Arguments and numerics shared by the three MLKD losses."""

    def __init__(self, temperatures: Sequence[float], loss_weight: float,
                 official_quirks: bool, teacher_detach: bool) -> None:
        super().__init__()
        name = type(self).__name__
        temperatures = tuple(float(t) for t in temperatures)
        if not temperatures or not all(
                math.isfinite(t) and t > 0 for t in temperatures):
            raise ValueError(f'{name}: temperatures must be a non-empty list '
                             f'of finite positive numbers, got '
                             f'{temperatures}.')
        check_loss_args(name, loss_weight=loss_weight)
        self.temperatures = temperatures
        self.loss_weight = loss_weight
        self.official_quirks = official_quirks
        self.teacher_detach = teacher_detach

    def _prepare(self, preds_S: torch.Tensor,
                 preds_T: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Check shapes; detach the teacher; cast to the compute dtype."""
        if preds_S.dim() != 2:
            raise ValueError(
                f'{type(self).__name__} expects (N, K) logits, got shape '
                f'{tuple(preds_S.shape)}.')
        check_logit_pair(preds_S, preds_T)
        if self.teacher_detach:
            preds_T = preds_T.detach()
        return (preds_S.to(compute_dtype(preds_S)),
                preds_T.to(compute_dtype(preds_T)))

    def _masked_sum(self, row_fn: RowFn, preds_S: torch.Tensor,
                    preds_T: torch.Tensor, mask: torch.Tensor,
                    reduction: str) -> torch.Tensor:
        """``sum_T masked_reduce(row_fn(s, t, T))`` over the temperatures."""
        return sum(
            masked_reduce(row_fn(preds_S, preds_T, t), mask, reduction,
                          not self.official_quirks)
            for t in self.temperatures)

    def _finish(self, loss: torch.Tensor) -> torch.Tensor:
        """Weight the loss (non-finite values pass on to the iteration's
        check, :mod:`zkd_mm.models.losses.plumbing`)."""
        return loss * self.loss_weight

    def extra_repr(self) -> str:
        return (f'temperatures={self.temperatures}, '
                f'loss_weight={self.loss_weight}, '
                f'official_quirks={self.official_quirks}')


@MODELS.register_module()
class MLKDInstanceLoss(_MLKDLoss):
    """MLKD's instance-level loss, on both views, optionally Z-scored.

    ``loss_weight * sum_T [mean_n(m_n KD_T(weak_n)) + mean_n(KD_T(strong_n))]``

    where ``KD_T`` is ``T**2 * KL(softmax(t / T) || softmax(s / T))`` per
    sample, ``m`` the teacher-confidence mask of the weak view and ``T``
    runs over ``temperatures``. The strong view is not masked, as in the
    official code.

    Args:
        temperatures (Sequence[float]): The temperatures; officially the
            base temperature followed by 3, 5, 2 and 6. Defaults to
            (4, 3, 5, 2, 6).
        standardize (bool): Z-score standardize both sides (each sample
            with its own mean and unbiased std) before dividing by ``T``.
            Defaults to False (the original MLKD).
        loss_weight (float): Weight of every term (``KD_WEIGHT`` of the
            official code). Defaults to 1.0.
        official_quirks (bool): Reproduce the official code (see the module
            docstring). Defaults to False.
        teacher_detach (bool): Stop gradients into the teacher logits.
            Defaults to True.
        eps (float): Added to each std when standardizing. Defaults to 1e-7.
    """

    def __init__(self,
                 temperatures: Sequence[float] = MLKD_TEMPERATURES,
                 standardize: bool = False,
                 loss_weight: float = 1.0,
                 official_quirks: bool = False,
                 teacher_detach: bool = True,
                 eps: float = DEFAULT_EPS) -> None:
        super().__init__(temperatures, loss_weight, official_quirks,
                         teacher_detach)
        check_loss_args('MLKDInstanceLoss', eps=eps)
        self.standardize = standardize
        self.eps = eps

    def _inputs(self, preds_S: torch.Tensor, preds_T: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        preds_S, preds_T = self._prepare(preds_S, preds_T)
        if self.standardize:
            return zscore(preds_S, 1, self.eps), zscore(preds_T, 1, self.eps)
        return preds_S, preds_T

    def forward(self, preds_S_weak: torch.Tensor, preds_T_weak: torch.Tensor,
                preds_S_strong: torch.Tensor,
                preds_T_strong: torch.Tensor) -> torch.Tensor:
        """Compute the weighted instance-level loss of both views.

        Args:
            preds_S_weak (torch.Tensor): Student logits, weak view (N, K).
            preds_T_weak (torch.Tensor): Teacher logits, weak view.
            preds_S_strong (torch.Tensor): Student logits, strong view.
            preds_T_strong (torch.Tensor): Teacher logits, strong view.

        Returns:
            torch.Tensor: The loss, a scalar.
        """
        with autocast_disabled(preds_S_weak):
            mask = sample_confidence_mask(preds_T_weak)
            weak = self._inputs(preds_S_weak, preds_T_weak)
            strong = self._inputs(preds_S_strong, preds_T_strong)
            loss = self._masked_sum(per_sample_kd, *weak, mask, 'mean')
            for index, t in enumerate(self.temperatures):
                view = (weak if self.official_quirks
                        and index >= _WEAK_IN_STRONG_FROM else strong)
                loss = loss + per_sample_kd(*view, t).mean()
        return self._finish(loss)

    def extra_repr(self) -> str:
        return f'standardize={self.standardize}, ' + super().extra_repr()


class _MLKDGramLoss(_MLKDLoss):
    """A Gram-matrix level of MLKD: masked rows summed over temperatures.

    Subclasses set ``rows_fn`` (per-row squared Gram differences) and
    ``mask_fn`` (the teacher-confidence mask of those rows).

    Args:
        temperatures (Sequence[float]): See :class:`MLKDInstanceLoss`.
        loss_weight (float): Weight of every term. Defaults to 1.0.
        official_quirks (bool): Mask as a scalar, as the official code.
            Defaults to False.
        teacher_detach (bool): Stop gradients into the teacher logits.
            Defaults to True.
    """

    rows_fn: RowFn
    mask_fn: Callable[[torch.Tensor], torch.Tensor]

    def __init__(self,
                 temperatures: Sequence[float] = MLKD_TEMPERATURES,
                 loss_weight: float = 1.0,
                 official_quirks: bool = False,
                 teacher_detach: bool = True) -> None:
        super().__init__(temperatures, loss_weight, official_quirks,
                         teacher_detach)

    def forward(self, preds_S: torch.Tensor,
                preds_T: torch.Tensor) -> torch.Tensor:
        """Compute the weighted loss from weak-view logits.

        Args:
            preds_S (torch.Tensor): Student logits (N, K).
            preds_T (torch.Tensor): Teacher logits (N, K).

        Returns:
            torch.Tensor: The loss, a scalar.
        """
        with autocast_disabled(preds_S):
            mask = type(self).mask_fn(preds_T)
            loss = self._masked_sum(
                type(self).rows_fn, *self._prepare(preds_S, preds_T), mask,
                'sum')
        return self._finish(loss)


@MODELS.register_module()
class MLKDClassLoss(_MLKDGramLoss):
    """MLKD's class-level loss: K x K Gram matrices of the predictions.

    ``loss_weight * sum_T sum_k c_k * sum_l (G_T - G_S)[k, l]**2 / K``, with
    ``G = P^T P`` and ``P = softmax(logits / T)`` over the batch, ``c`` the
    class-confidence mask of the teacher. Always on the raw logits (weak
    view). Arguments as :class:`_MLKDGramLoss`.
    """

    rows_fn = staticmethod(class_gram_rows)
    mask_fn = staticmethod(class_confidence_mask)


@MODELS.register_module()
class MLKDBatchLoss(_MLKDGramLoss):
    """MLKD's batch-level loss: B x B Gram matrices of the predictions.

    ``loss_weight * sum_T sum_i m_i * sum_j (G_T - G_S)[i, j]**2 / B``, with
    ``G = P P^T`` and ``P = softmax(logits / T)``, ``m`` the
    sample-confidence mask of the teacher. Always on the raw logits (weak
    view). Arguments as :class:`_MLKDGramLoss`.
    """

    rows_fn = staticmethod(batch_gram_rows)
    mask_fn = staticmethod(sample_confidence_mask)
