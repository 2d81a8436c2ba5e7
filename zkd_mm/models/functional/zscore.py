# Copyright (c) zkd_mm contributors. All rights reserved.
"""Per-sample Z-score standardization of logits (Sun et al., CVPR 2024)."""
import math
from contextlib import nullcontext
from typing import ContextManager, NamedTuple, Tuple

import torch
from torch.autograd.function import once_differentiable

DEFAULT_EPS = 1e-7


def compute_dtype(logits: torch.Tensor) -> torch.dtype:
    """The dtype the Z-score math runs in: at least float32."""
    return torch.promote_types(logits.dtype, torch.float32)


def autocast_disabled(tensor: torch.Tensor) -> ContextManager:
    """A context without autocast on ``tensor``'s device (a no-op if off).

    The losses compute in float32 even inside an AMP region.
    """
    device_type = tensor.device.type
    return (torch.autocast(device_type, enabled=False)
            if torch.is_autocast_enabled(device_type) else nullcontext())


def check_num_classes(logits: torch.Tensor, dim: int = 1) -> int:
    """Check that ``logits`` has at least two classes along ``dim``.

    Args:
        logits (torch.Tensor): Logits, e.g. of shape (N, C) or (N, C, H, W).
        dim (int): The class dimension. Defaults to 1.

    Returns:
        int: The number of classes.

    Raises:
        ValueError: If ``logits`` has fewer than 2 dims or fewer than 2
            classes, where the unbiased std is undefined.
    """
    if logits.dim() < 2:
        raise ValueError(
            'Z-score standardization expects logits of shape (N, C) or '
            f'(N, C, H, W), got shape {tuple(logits.shape)}.')
    num_classes = logits.shape[dim]
    if num_classes < 2:
        raise ValueError(
            'Z-score standardization needs at least 2 classes along dim '
            f'{dim}, got shape {tuple(logits.shape)}: the unbiased std of a '
            'single logit is undefined.')
    return num_classes


class RowStats(NamedTuple):
    """What the backward of a standardization needs, per row.

    Every row is standardized after an exact power-of-two rescaling
    ``x * inv`` that brings its largest magnitude into [0.5, 1), so that
    the mean and the std cannot overflow for any finite logits. ``std``
    and ``eps`` are in those rescaled units (``eps * inv``), which leaves
    ``z`` unchanged: scaling by a power of two is exact in floating point.
    """

    std: torch.Tensor
    eps: torch.Tensor
    inv: torch.Tensor


def standardize(logits: torch.Tensor,
                dim: int,
                eps: float,
                scale: float = 1.0) -> Tuple[torch.Tensor, RowStats]:
    """Forward math shared by :func:`zscore` and the fused Z-score KL.

    The unbiased std is computed in two passes (mean, then the norm of the
    centred logits), which is as exact as ``torch.std`` and several times
    faster than ``torch.std_mean`` on the CPU. Each row is first rescaled
    by a power of two (see :class:`RowStats`), so finite logits of any
    size (up to the dtype's maximum) give finite, correct results, and
    ordinary logits give bit for bit what an unscaled computation gives.

    Args:
        logits (torch.Tensor): Logits in the compute dtype.
        dim (int): The class dimension.
        eps (float): Added to the unbiased std.
        scale (float): The result is divided by it (the temperature).

    Returns:
        tuple[torch.Tensor, RowStats]: ``(logits - mean) / (std + eps) /
        scale`` and the statistics for :func:`standardize_backward`.
    """
    num_classes = logits.shape[dim]
    peak = torch.linalg.vector_norm(logits, ord=math.inf, dim=dim,
                                    keepdim=True)
    # 2**-e with |x| <= peak = m * 2**e, 0.5 <= m < 1 (e = 0 for zero,
    # inf or NaN peaks, which are left as they are).
    exponent = torch.frexp(peak).exponent.masked_fill_(
        ~torch.isfinite(peak), 0)
    inv = torch.ldexp(torch.ones_like(peak), exponent.neg_())
    rows = logits * inv
    centred = rows.sub_(rows.mean(dim, keepdim=True))
    std = torch.linalg.vector_norm(
        centred, dim=dim, keepdim=True).div_((num_classes - 1)**0.5)
    eps_rows = inv * eps
    return centred.div_((std + eps_rows).mul_(scale)), RowStats(
        std, eps_rows, inv)


def standardize_backward(grad: torch.Tensor,
                         scaled: torch.Tensor,
                         stats: RowStats,
                         dim: int,
                         scale: float = 1.0,
                         grad_sums_to_zero: bool = False) -> torch.Tensor:
    """Gradient of ``z = (x - mean) / (std + eps)`` with respect to ``x``.

    With ``s = std + eps`` and ``K`` classes::

        dx = (g - mean(g) - z * sum(g * z) * s / ((K - 1) * std)) / s

    Where ``std == 0`` (a constant row, so ``z == 0``) the last term is 0,
    as in torch's own ``std`` backward; ``dx`` is then
    ``(g - mean(g)) / eps``. It is computed in the rescaled units of
    :class:`RowStats` and then multiplied by ``inv``.

    Args:
        grad (torch.Tensor): Gradient with respect to ``z``. Overwritten
            (and returned) when ``grad_sums_to_zero``.
        scaled (torch.Tensor): ``z / scale`` from the forward pass.
        stats (RowStats): From the forward pass.
        dim (int): The class dimension.
        scale (float): The ``scale`` of the forward pass.
        grad_sums_to_zero (bool): Skip subtracting ``mean(g)`` because it is
            zero by construction (gradients of a softmax-based loss).

    Returns:
        torch.Tensor: Gradient with respect to ``x``.
    """
    num_classes = scaled.shape[dim]
    std = stats.std
    denominator = std + stats.eps
    # std == 0 only for an exactly constant row, where z == 0 and the dot
    # product below is 0; the clamp turns 0 * inf into 0 * finite there.
    ratio = denominator / std.clamp_min(torch.finfo(std.dtype).tiny)
    projection = torch.linalg.vecdot(grad, scaled, dim=dim).unsqueeze(dim)
    projection.mul_(ratio).mul_(scale * scale / (num_classes - 1))
    if grad_sums_to_zero:
        grad = grad.addcmul_(scaled, projection, value=-1)
    else:
        grad = (grad - grad.mean(dim, keepdim=True)).addcmul_(
            scaled, projection, value=-1)
    return grad.div_(denominator).mul_(stats.inv)


class _ZScore(torch.autograd.Function):
    """Z-score with an analytic backward that saves only ``z`` and std."""

    @staticmethod
    def forward(ctx, logits: torch.Tensor, dim: int,
                eps: float) -> torch.Tensor:
        z, stats = standardize(logits, dim, eps)
        ctx.save_for_backward(z, *stats)
        ctx.dim = dim
        return z

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_z: torch.Tensor):
        z, *stats = ctx.saved_tensors
        return standardize_backward(grad_z, z, RowStats(*stats),
                                    ctx.dim), None, None


def zscore(logits: torch.Tensor,
           dim: int = 1,
           eps: float = DEFAULT_EPS) -> torch.Tensor:
    """Standardize each sample's logits over the class dimension.

    Computes ``(x - mean(x)) / (std(x) + eps)`` with the unbiased std, as the
    paper's official code does. float16 and bfloat16 inputs are upcast, so
    the result is float32 (float64 stays float64).

    Args:
        logits (torch.Tensor): Logits of shape (N, C) or (N, C, H, W).
        dim (int): The class dimension. Defaults to 1.
        eps (float): Added to the std, so that a constant row maps to 0
            instead of NaN. Defaults to 1e-7.

    Returns:
        torch.Tensor: Standardized logits, zero mean and unit unbiased std
        per sample (up to ``eps``).

    Examples:
        >>> zscore(torch.tensor([[1., 4., 3., 2.]]))
        tensor([[-1.1619,  1.1619,  0.3873, -0.3873]])
    """
    check_num_classes(logits, dim)
    logits = logits.to(compute_dtype(logits))
    with torch.autocast(logits.device.type, enabled=False):
        return _ZScore.apply(logits, dim, eps)
