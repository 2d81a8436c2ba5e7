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


def reference_dkd(student: torch.Tensor, teacher: torch.Tensor,
                  labels: torch.Tensor, tau: float, alpha: float,
                  beta: float, standardize: bool = True) -> torch.Tensor:
    """The official DKD (+ standardization) loss, batch mean, float64.

    Both sides are standardized over all classes, then TCKD compares the
    binary (target, rest) distributions and NCKD the distributions over the
    non-target classes (target logit pushed down by 1000 after /tau).
    """
    s = reference_zscore(student) if standardize else student.double()
    t = reference_zscore(teacher) if standardize else teacher.double()
    s, t = s / tau, t / tau
    n, k = s.shape
    gt = torch.zeros(n, k, dtype=torch.float64)
    gt[torch.arange(n), labels] = 1.0

    def log_softmax(x):
        return x - x.exp().sum(1, keepdim=True).log()

    ps, pt = log_softmax(s).exp(), log_softmax(t).exp()
    bs = torch.stack([(ps * gt).sum(1), (ps * (1 - gt)).sum(1)], 1)
    bt = torch.stack([(pt * gt).sum(1), (pt * (1 - gt)).sum(1)], 1)
    tckd = (bt * (bt.log() - bs.log())).sum(1)
    ls2, lt2 = log_softmax(s - 1000 * gt), log_softmax(t - 1000 * gt)
    nckd = (lt2.exp() * (lt2 - ls2)).sum(1)
    return (tau**2 * (alpha * tckd + beta * nckd)).mean()
