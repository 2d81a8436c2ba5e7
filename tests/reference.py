# Copyright (c) zkd_mm contributors. All rights reserved.
"""Independent references written from the paper's formulas.

Nothing here uses zkd_mm or ``torch.std``: the unbiased std is spelled out,
so a bug shared with the implementation cannot hide.
"""
import torch


def reference_zscore(x: torch.Tensor, dim: int = 1,
                     eps: float = 1e-7) -> torch.Tensor:
    """``(x - mean) / (unbiased_std + eps)`` over ``dim``, in float64."""
    x = x.double()
    k = x.shape[dim]
    mean = x.sum(dim, keepdim=True) / k
    std = (((x - mean)**2).sum(dim, keepdim=True) / (k - 1)).sqrt()
    return (x - mean) / (std + eps)


def reference_zscore_kl(student: torch.Tensor,
                        teacher: torch.Tensor,
                        tau: float,
                        eps: float = 1e-7) -> torch.Tensor:
    """Per-sample ``tau^2 * sum_k p_k (log p_k - log q_k)``, float64.

    Returns a tensor of shape (N, *spatial): summed over classes only.
    """
    a = reference_zscore(student, 1, eps) / tau
    b = reference_zscore(teacher, 1, eps) / tau
    log_q = a - a.exp().sum(1, keepdim=True).log()
    log_p = b - b.exp().sum(1, keepdim=True).log()
    return tau**2 * (log_p.exp() * (log_p - log_q)).sum(1)


def reference_shared_temperature_kl(student: torch.Tensor,
                                    teacher: torch.Tensor,
                                    temperature: float) -> torch.Tensor:
    """Vanilla KD's per-sample KL with one shared temperature, float64."""
    a = student.double() / temperature
    b = teacher.double() / temperature
    log_q = a - a.exp().sum(1, keepdim=True).log()
    log_p = b - b.exp().sum(1, keepdim=True).log()
    return (log_p.exp() * (log_p - log_q)).sum(1)
