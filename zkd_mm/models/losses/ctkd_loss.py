# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CTKDLoss``: KD at a learnable, adversarially trained temperature."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS

from ..functional.zscore import (DEFAULT_EPS, autocast_disabled, compute_dtype,
                                 zscore)
from ..functional.zscore_kl_div import check_logit_pair
from ..temperature import LearnableTemperature
from .plumbing import check_loss_args, check_number


@MODELS.register_module()
class CTKDLoss(nn.Module):
    """KD whose global temperature is learned adversarially (CTKD).

    `Curriculum Temperature for Knowledge Distillation
    <https://arxiv.org/abs/2211.16231>`_ (Li et al., AAAI 2023), optionally
    on Z-score standardized logits as in `Logit Standardization in
    Knowledge Distillation <https://arxiv.org/abs/2403.01427>`_ (Sun et al.,
    CVPR 2024), whose code calls that variant ``DistillKL_logit_stand``::

        T = t_start + t_end * sigmoid(GRL(theta, lambda_))
        loss = loss_weight * T**2 * KL(softmax(t / T) || softmax(s / T))

    with ``s, t`` the student and teacher logits, replaced by ``Z(s), Z(t)``
    (each sample standardized with its own mean and unbiased std, see
    :func:`zscore`) when ``standardize=True``. The KL is summed over the
    classes (and any further dims) and averaged over the batch, like
    ``nn.KLDivLoss(reduction='batchmean')`` in the official code. The
    gradient flows into ``T`` through both the softmax and the ``T**2``
    factor.

    The loss owns the temperature (a :class:`LearnableTemperature`, whose
    parameter is ``temperature.theta``). Built as a distill loss it is part
    of the algorithm, so mmengine's default optimizer constructor puts
    ``theta`` into the optimizer with the student's settings: same lr,
    momentum and weight decay. That is what the official code does (one SGD
    over the student and the temperature module). To exempt ``theta`` from
    weight decay, add ``paramwise_cfg=dict(custom_keys={'temperature.theta':
    dict(decay_mult=0.)})`` to ``optim_wrapper``.

    ``CTKDCurriculumHook`` sets the reversal factor ``lambda_`` every epoch
    (from 0 down to -1) and logs the temperature of every iteration as
    ``ctkd_temperature``. Without the hook ``lambda_`` stays at its initial
    value, -1 by default (CTKD without the curriculum).

    Note:
        The official CTKD code of the logit standardization paper picks the
        criterion with an inverted flag (``DistillKL() if opt.logit_stand
        else DistillKL_logit_stand()``), so its ``--logit_stand`` switch
        turns standardization *off* (issue #15 of
        sunshangquan/logit-standardization-KD, confirmed by the maintainer).
        Here ``standardize=True`` standardizes and ``False`` does not.

    Args:
        standardize (bool): Z-score both sides before dividing by ``T``.
            Defaults to False (the original CTKD).
        t_start (float): Lower bound of ``T``. Defaults to 1.0.
        t_end (float): Width of ``T``'s range, ``T < t_start + t_end``.
            Defaults to 20.0.
        init_theta (float): Initial ``theta``; the official 1.0 gives
            ``T = 15.62`` with the default range. Defaults to 1.0.
        grl_lambda (float): Initial gradient factor of the reversal layer,
            until ``CTKDCurriculumHook`` sets it. Defaults to -1.0.
        loss_weight (float): Weight of the loss (``-a`` of the official
            scripts). Defaults to 1.0.
        teacher_detach (bool): Stop gradients into the teacher logits.
            Defaults to True.
        eps (float): Added to each std when standardizing. Defaults to 1e-7.
    """

    def __init__(self,
                 standardize: bool = False,
                 t_start: float = 1.0,
                 t_end: float = 20.0,
                 init_theta: float = 1.0,
                 grl_lambda: float = -1.0,
                 loss_weight: float = 1.0,
                 teacher_detach: bool = True,
                 eps: float = DEFAULT_EPS) -> None:
        super().__init__()
        check_loss_args('CTKDLoss', eps=eps,
                        loss_weight=loss_weight)
        check_number('CTKDLoss', 't_start', t_start, 'positive')
        check_number('CTKDLoss', 't_end', t_end, 'positive')
        check_number('CTKDLoss', 'init_theta', init_theta, 'any')
        self.standardize = standardize
        self.temperature = LearnableTemperature(t_start, t_end, init_theta,
                                                grl_lambda)
        self.loss_weight = loss_weight
        self.teacher_detach = teacher_detach
        self.eps = eps
        # The temperature of the latest forward pass (detached).
        self.last_temperature: Optional[torch.Tensor] = None

    def forward(self, preds_S: torch.Tensor,
                preds_T: torch.Tensor) -> torch.Tensor:
        """Compute the loss at the current temperature.

        Args:
            preds_S (torch.Tensor): Student logits, (N, C) or (N, C, H, W).
            preds_T (torch.Tensor): Teacher logits, same shape.

        Returns:
            torch.Tensor: The weighted loss, a scalar.
        """
        if self.teacher_detach:
            preds_T = preds_T.detach()
        check_logit_pair(preds_S, preds_T)
        with autocast_disabled(preds_S):
            temperature = self.temperature()
            if self.standardize:
                student = zscore(preds_S, 1, self.eps)
                teacher = zscore(preds_T, 1, self.eps)
            else:
                student = preds_S.to(compute_dtype(preds_S))
                teacher = preds_T.to(compute_dtype(preds_T))
            log_q = F.log_softmax(student / temperature, dim=1)
            log_p = F.log_softmax(teacher / temperature, dim=1)
            kl = F.kl_div(log_q, log_p, reduction='sum', log_target=True)
            loss = (self.loss_weight / preds_S.shape[0]) * kl * (
                temperature * temperature)
        self.last_temperature = temperature.detach()
        return loss

    def extra_repr(self) -> str:
        return (f'standardize={self.standardize}, '
                f'loss_weight={self.loss_weight}, '
                f'teacher_detach={self.teacher_detach}, eps={self.eps}')
