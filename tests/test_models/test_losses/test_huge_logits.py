# Copyright (c) zkd_mm contributors. All rights reserved.
"""Finite logits of any size give the right loss and finite gradients.

The Z-score is invariant to a positive scale of each sample's logits, so
the loss of ``k * logits`` must equal the loss of ``logits`` for every
finite ``k * logits``. Seen before: with student logits of 1e19 and more,
``ZScoreKLDivergence``, DKD + Z-score and ``CTKDLoss(standardize=True)``
returned a finite, wrong loss (3.927 instead of 7.791; 0 when both sides
were scaled by 1e30) and an all-NaN gradient, with no error.
"""
import pytest
import torch

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.models import zscore  # isort: skip
from zkd_mm.models.losses import (CTKDLoss, MLKDInstanceLoss,  # isort: skip
                                  ZScoreKLDivergence)
from mmrazor.models.losses import DKDLoss  # isort: skip

SCALES = (1e19, 1e30, 1e37)
LABELS = torch.arange(8) % 100


def _logits(seed: int):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(8, 100, generator=gen) * 3


LOSSES = {
    'kd': lambda s, t: ZScoreKLDivergence(tau=2.0, loss_weight=9.0)(s, t),
    # DKD + Z-score: what LogitStandardizedDistiller hands MMRazor's DKDLoss.
    'dkd': lambda s, t: DKDLoss(tau=2.0, beta=8.0, loss_weight=9.0)(
        zscore(s), zscore(t), LABELS),
    'ctkd': lambda s, t: CTKDLoss(standardize=True)(s, t),
    'mlkd': lambda s, t: MLKDInstanceLoss(standardize=True)(s, t, s, t),
}


# MLKD weights samples by the teacher's raw softmax (as the official code),
# which depends on the teacher's scale: only its student is rescaled.
CASES = [(name, student, teacher) for name in sorted(LOSSES)
         for student in SCALES for teacher in (1.0, 1e30)
         if name != 'mlkd' or teacher == 1.0]


@pytest.mark.parametrize('name, scale_student, scale_teacher', CASES)
def test_scale_invariance_for_huge_logits(name, scale_student, scale_teacher):
    student, teacher = _logits(0), _logits(1)
    expected = LOSSES[name](student, teacher)
    huge = (student * scale_student).requires_grad_(True)
    assert torch.isfinite(huge).all()
    loss = LOSSES[name](huge, teacher * scale_teacher)
    loss.backward()
    torch.testing.assert_close(loss, expected, rtol=1e-5, atol=0)
    assert torch.isfinite(huge.grad).all()
    # The gradient scales as 1 / scale, like d/dx of a function of x / k.
    reference = student.clone().requires_grad_(True)
    LOSSES[name](reference, teacher).backward()
    torch.testing.assert_close(huge.grad.double() * scale_student,
                               reference.grad.double(), rtol=1e-4,
                               atol=1e-6)


def _unscaled_zscore(x: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """The two-pass standardization without any rescaling."""
    centred = x - x.mean(1, keepdim=True)
    std = torch.linalg.vector_norm(centred, dim=1, keepdim=True) / (
        (x.shape[1] - 1)**0.5)
    return centred / (std + eps)


@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
def test_ordinary_logits_are_unchanged_bit_for_bit(dtype):
    for seed in range(5):
        x = (_logits(seed) * (seed + 1)).to(dtype)
        assert torch.equal(zscore(x), _unscaled_zscore(x))
