# Copyright (c) zkd_mm contributors. All rights reserved.
"""Fused Z-score KL divergence between student and teacher logits."""
import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

from .zscore import (DEFAULT_EPS, autocast_disabled, check_num_classes,
                     compute_dtype, standardize, standardize_backward, zscore)

REDUCTIONS = ('none', 'batchmean', 'sum', 'mean')


def check_logit_pair(preds_S: torch.Tensor, preds_T: torch.Tensor) -> int:
    """Check that student and teacher logits fit each other.

    Args:
        preds_S (torch.Tensor): Student logits.
        preds_T (torch.Tensor): Teacher logits.

    Returns:
        int: The number of classes (dim 1).

    Raises:
        ValueError: If the shapes differ or there are fewer than 2 classes.
    """
    if preds_S.shape != preds_T.shape:
        raise ValueError(
            f'Student logits have shape {tuple(preds_S.shape)} but teacher '
            f'logits have shape {tuple(preds_T.shape)}; they must match. '
            'Check that student and teacher heads have the same num_classes '
            'and that both recorders point at the logit layers.')
    return check_num_classes(preds_S, dim=1)


def _log_normalizer_gap(scaled_T: torch.Tensor, p: torch.Tensor,
                        scaled_S: torch.Tensor,
                        q: torch.Tensor) -> torch.Tensor:
    """``logsumexp(scaled_T) - logsumexp(scaled_S)`` per position.

    Read off the softmax outputs, ``lse(x) = max(x) - log(max(softmax(x)))``.
    ``log p - log q`` is then ``(b - a) - gap``, whose float32 rounding
    error does not grow with ``|lse|``: float32 losses stay within about
    1e-6 of the exact value, closer than ``log_softmax(b) -
    log_softmax(a)`` gets.
    """
    max_gap = scaled_T.amax(1, keepdim=True).sub_(
        scaled_S.amax(1, keepdim=True))
    return max_gap.sub_(p.amax(1, keepdim=True).div_(
        q.amax(1, keepdim=True)).log_())


class _ZScoreKLDiv(torch.autograd.Function):
    """``factor * sum(KL(softmax(Z(t)/tau) || softmax(Z(s)/tau)))``.

    The KL is summed over classes and every position. The gradient is
    computed analytically during the forward pass (only for the inputs that
    need one), so backward is one multiplication and just one tensor of the
    input's size is kept per input.
    """

    @staticmethod
    def forward(ctx, preds_S: torch.Tensor, preds_T: torch.Tensor, tau: float,
                eps: float, factor: float) -> torch.Tensor:
        need_grad_S, need_grad_T = ctx.needs_input_grad[:2]
        scaled_S, stats_S = standardize(preds_S, 1, eps, scale=tau)
        scaled_T, stats_T = standardize(preds_T, 1, eps, scale=tau)
        p = F.softmax(scaled_T, dim=1)
        q = F.softmax(scaled_S, dim=1)
        gap = _log_normalizer_gap(scaled_T, p, scaled_S, q)
        # log p - log q; reuse the teacher's buffer unless its grad is needed.
        log_ratio = (scaled_T - scaled_S) if need_grad_T else scaled_T.sub_(
            scaled_S)
        log_ratio.sub_(gap)
        row_kl = torch.linalg.vecdot(p, log_ratio, dim=1)

        # The gradients of KL with respect to Z(s) and Z(t) are
        # (q - p) / tau and p * (log p - log q - KL) / tau; both sum to 0.
        # Both are written into buffers that are no longer needed.
        grad_scale = factor / tau
        saved = []
        if need_grad_S:
            saved.append(
                standardize_backward(
                    q.sub_(p), scaled_S, stats_S, 1, tau,
                    grad_sums_to_zero=True).mul_(grad_scale))
        if need_grad_T:
            saved.append(
                standardize_backward(
                    log_ratio.sub_(row_kl.unsqueeze(1)).mul_(p), scaled_T,
                    stats_T, 1, tau,
                    grad_sums_to_zero=True).mul_(grad_scale))
        ctx.save_for_backward(*saved)
        return row_kl.sum().mul_(factor)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_loss: torch.Tensor):
        saved = list(ctx.saved_tensors)
        grad_S = saved.pop(0) * grad_loss if ctx.needs_input_grad[0] else None
        grad_T = saved.pop(0) * grad_loss if ctx.needs_input_grad[1] else None
        return grad_S, grad_T, None, None, None


def weighted_zscore_kl_div(preds_S: torch.Tensor, preds_T: torch.Tensor,
                           tau: float, reduction: str, eps: float,
                           weight: float) -> torch.Tensor:
    """:func:`zscore_kl_div` times ``weight``, with no argument checks.

    The weight is folded into the final scalar, which keeps the per-call
    overhead at small batch sizes low.
    """
    dtype = torch.promote_types(compute_dtype(preds_S), preds_T.dtype)
    preds_S, preds_T = preds_S.to(dtype), preds_T.to(dtype)
    with autocast_disabled(preds_S):
        if reduction == 'none':
            log_q = F.log_softmax(zscore(preds_S, 1, eps) / tau, dim=1)
            log_p = F.log_softmax(zscore(preds_T, 1, eps) / tau, dim=1)
            return F.kl_div(
                log_q, log_p, reduction='none',
                log_target=True) * (weight * tau**2)
        factor = weight * tau**2
        if reduction == 'batchmean':
            factor /= preds_S.shape[0]
        elif reduction == 'mean':
            factor /= preds_S.numel()
        return _ZScoreKLDiv.apply(preds_S, preds_T, tau, eps, factor)


def zscore_kl_div(preds_S: torch.Tensor,
                  preds_T: torch.Tensor,
                  tau: float = 2.0,
                  reduction: str = 'batchmean',
                  eps: float = DEFAULT_EPS) -> torch.Tensor:
    """KL divergence between Z-score standardized teacher and student.

    ``tau**2 * KL(softmax(Z(t) / tau) || softmax(Z(s) / tau))``, where ``Z``
    standardizes each sample over dim 1 with its own mean and unbiased std
    (see :func:`zscore`). Student and teacher are standardized separately.
    The math runs in float32 (or float64 for float64 inputs); gradients flow
    to every input that requires them (detach the teacher yourself).
    Non-finite logits give a non-finite loss.

    Args:
        preds_S (torch.Tensor): Student logits, (N, C) or (N, C, H, W).
        preds_T (torch.Tensor): Teacher logits, same shape.
        tau (float): Base temperature, applied after standardization.
            Defaults to 2.0.
        reduction (str): ``'batchmean'`` (sum over classes and positions,
            mean over the batch, as the paper), ``'sum'``, ``'mean'`` (sum
            divided by the number of elements) or ``'none'`` (the element-wise
            terms, same shape as the input). Defaults to ``'batchmean'``.
        eps (float): Added to each std. Defaults to 1e-7.

    Returns:
        torch.Tensor: The loss (a scalar unless ``reduction='none'``).
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f'reduction must be one of {REDUCTIONS}, '
                         f'got {reduction!r}.')
    check_logit_pair(preds_S, preds_T)
    return weighted_zscore_kl_div(preds_S, preds_T, tau, reduction, eps, 1.0)
