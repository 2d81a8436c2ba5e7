# Copyright (c) zkd_mm contributors. All rights reserved.
"""A clear error for losses that became NaN or infinite."""
import math

import torch

NONFINITE_POLICIES = ('raise', 'propagate')


def _describe(logits: torch.Tensor) -> str:
    bad = ~torch.isfinite(logits)
    rows = bad.flatten(1).any(1)
    return (f'{int(bad.sum())} non-finite values in {int(rows.sum())} of '
            f'{logits.shape[0]} samples')


def check_finite_loss(loss: torch.Tensor, preds_S: torch.Tensor,
                      preds_T: torch.Tensor, loss_name: str) -> None:
    """Raise if ``loss`` is not finite, saying which logits caused it.

    Args:
        loss (torch.Tensor): The computed loss.
        preds_S (torch.Tensor): Student logits.
        preds_T (torch.Tensor): Teacher logits.
        loss_name (str): Used in the message.

    Raises:
        FloatingPointError: If any element of ``loss`` is NaN or infinite.
    """
    finite = (math.isfinite(loss.item()) if loss.dim() == 0 else bool(
        torch.isfinite(loss).all()))
    if finite:
        return
    parts = [
        f'{side} logits have {_describe(logits)}'
        for side, logits in (('student', preds_S), ('teacher', preds_T))
        if not bool(torch.isfinite(logits).all())
    ] or ['the logits are finite but too large for float32']
    raise FloatingPointError(
        f'{loss_name} got a non-finite loss: {"; ".join(parts)}. Check the '
        'learning rate, the teacher checkpoint and the input data. Under AMP '
        f'with a dynamic loss scale, build the loss with '
        "nonfinite='propagate' to let the scaler skip such steps.")
