# Copyright (c) zkd_mm contributors. All rights reserved.
"""The terms of Multi-Level Logit Distillation (Jin et al., CVPR 2023).

MLKD aligns student and teacher predictions at three levels, each at
several temperatures:

- instance level: the KD divergence of every sample
  (:func:`per_sample_kd`);
- class level: the K x K Gram matrix of the class-probability columns over
  the batch (:func:`class_gram_rows`);
- batch level: the B x B Gram matrix of the per-sample probability rows
  (:func:`batch_gram_rows`).

Every function returns one value per row (sample or class), so that the
teacher-confidence masks (:func:`sample_confidence_mask`,
:func:`class_confidence_mask`) can weight rows before the reduction
(:func:`masked_reduce`).
"""
import torch
import torch.nn.functional as F

MASK_QUANTILE = 0.5
REDUCTIONS = ('mean', 'sum')


def _probs(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    return F.softmax(logits / temperature, dim=1)


def per_sample_kd(preds_S: torch.Tensor, preds_T: torch.Tensor,
                  temperature: float) -> torch.Tensor:
    """``T**2 * KL(softmax(t / T) || softmax(s / T))`` of each sample.

    Args:
        preds_S (torch.Tensor): Student logits (N, K), already standardized
            where that is wanted.
        preds_T (torch.Tensor): Teacher logits (N, K).
        temperature (float): The temperature ``T``.

    Returns:
        torch.Tensor: (N,) divergences, summed over the classes.
    """
    log_q = F.log_softmax(preds_S / temperature, dim=1)
    log_p = F.log_softmax(preds_T / temperature, dim=1)
    kl = F.kl_div(log_q, log_p, reduction='none', log_target=True)
    return kl.sum(1) * temperature**2


def class_gram_rows(preds_S: torch.Tensor, preds_T: torch.Tensor,
                    temperature: float) -> torch.Tensor:
    """Class-level term: rows of the squared K x K Gram difference.

    With ``P = softmax(logits / T)`` of shape (B, K), the Gram matrix
    ``G = P^T P`` relates every pair of classes over the batch. Row ``k`` of
    the result is ``sum_l (G_T - G_S)[k, l]**2 / K``; their sum is MLKD's
    class consistency loss.

    Returns:
        torch.Tensor: (K,) per-class values.
    """
    prob_S, prob_T = _probs(preds_S, temperature), _probs(preds_T, temperature)
    diff = prob_T.t() @ prob_T - prob_S.t() @ prob_S
    return diff.square().sum(1) / preds_T.shape[1]


def batch_gram_rows(preds_S: torch.Tensor, preds_T: torch.Tensor,
                    temperature: float) -> torch.Tensor:
    """Batch-level term: rows of the squared B x B Gram difference.

    With ``P = softmax(logits / T)`` of shape (B, K), the Gram matrix
    ``G = P P^T`` relates every pair of samples of the batch. Row ``i`` of
    the result is ``sum_j (G_T - G_S)[i, j]**2 / B``; their sum is MLKD's
    batch consistency loss.

    Returns:
        torch.Tensor: (B,) per-sample values.
    """
    prob_S, prob_T = _probs(preds_S, temperature), _probs(preds_T, temperature)
    diff = prob_T @ prob_T.t() - prob_S @ prob_S.t()
    return diff.square().sum(1) / preds_T.shape[0]


def _below_median(values: torch.Tensor) -> torch.Tensor:
    # Linear interpolation between the two middle values, as numpy's
    # percentile(values, 50) in the official code.
    threshold = torch.quantile(values, MASK_QUANTILE)
    return values <= threshold


@torch.no_grad()
def sample_confidence_mask(preds_T: torch.Tensor) -> torch.Tensor:
    """Samples on which the teacher is at most median-confident.

    The confidence of a sample is the teacher's largest softmax
    probability (temperature 1). MLKD keeps the samples whose confidence is
    at most the batch median, i.e. about half the batch.

    Args:
        preds_T (torch.Tensor): Teacher logits (N, K), usually of the weak
            view.

    Returns:
        torch.Tensor: (N,) boolean mask.
    """
    confidence = F.softmax(preds_T.float(), dim=1).amax(1)
    return _below_median(confidence)


@torch.no_grad()
def class_confidence_mask(preds_T: torch.Tensor) -> torch.Tensor:
    """Classes with at most the median total teacher probability.

    The confidence of a class is the teacher's softmax probability
    (temperature 1) summed over the batch.

    Args:
        preds_T (torch.Tensor): Teacher logits (N, K).

    Returns:
        torch.Tensor: (K,) boolean mask.
    """
    confidence = F.softmax(preds_T.float(), dim=1).sum(0)
    return _below_median(confidence)


def masked_reduce(rows: torch.Tensor, mask: torch.Tensor, reduction: str,
                  per_row: bool) -> torch.Tensor:
    """Reduce per-row values with a confidence mask.

    Args:
        rows (torch.Tensor): (R,) per-row values.
        mask (torch.Tensor): (R,) boolean mask.
        reduction (str): ``'mean'`` or ``'sum'`` over all R rows (masked
            rows count as zeros, so the scale does not depend on how many
            rows the mask keeps).
        per_row (bool): True weights each row by its mask entry (the masks
            as the MLKD paper describes them). False reduces the unmasked
            rows first and multiplies the result by the fraction of kept
            rows, which is what the official code computes
            (``(scalar_loss * mask).mean()``).

    Returns:
        torch.Tensor: A scalar.
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f'reduction must be one of {REDUCTIONS}, '
                         f'got {reduction!r}.')
    weights = mask.to(rows.dtype)
    if per_row:
        rows = rows * weights
    total = rows.mean() if reduction == 'mean' else rows.sum()
    return total if per_row else total * weights.mean()
