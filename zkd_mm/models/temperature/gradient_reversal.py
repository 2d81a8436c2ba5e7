# Copyright (c) zkd_mm contributors. All rights reserved.
"""Gradient reversal with CTKD's convention: the backward scales by lambda."""
from typing import Tuple

import torch
import torch.nn as nn


class _ScaleGradient(torch.autograd.Function):
    """Identity forward, gradient times ``lambda_`` in the backward."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, lambda_: float) -> torch.Tensor:
        ctx.lambda_ = lambda_
        # A new tensor, so that autograd records this node even when the
        # input is a leaf.
        return x.clone()

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> Tuple[torch.Tensor, None]:
        return grad * ctx.lambda_, None


def gradient_reversal(x: torch.Tensor, lambda_: float) -> torch.Tensor:
    """Return ``x`` unchanged; its gradient is multiplied by ``lambda_``.

    This is the convention of the official CTKD code (``models/
    temp_global.py`` of Li et al., AAAI 2023), **not** Ganin and Lempitsky's
    (which multiply by ``-lambda``): here the sign is part of ``lambda_``.
    CTKD's curriculum keeps ``lambda_`` in ``[-1, 0]``, so

    - ``lambda_ = -1`` reverses the gradient: whatever is upstream of ``x``
      is trained to *increase* the loss, with full strength;
    - ``lambda_ = 0`` blocks the gradient (``x`` is not trained);
    - ``lambda_ = 1`` is an ordinary identity.

    Args:
        x (torch.Tensor): The input.
        lambda_ (float): Multiplies the gradient in the backward pass.

    Returns:
        torch.Tensor: A copy of ``x``.

    Examples:
        >>> x = torch.tensor(2., requires_grad=True)
        >>> (3 * gradient_reversal(x, -0.5)).backward()
        >>> x.grad
        tensor(-1.5000)
    """
    return _ScaleGradient.apply(x, float(lambda_))


class GradientReversalLayer(nn.Module):
    """:func:`gradient_reversal` as a module with a settable ``lambda_``.

    Args:
        lambda_ (float): Multiplies the gradient in the backward pass
            (negative values reverse it). Defaults to -1.0.
    """

    def __init__(self, lambda_: float = -1.0) -> None:
        super().__init__()
        self.lambda_ = float(lambda_)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Identity; the gradient gets multiplied by ``self.lambda_``."""
        return gradient_reversal(x, self.lambda_)

    def extra_repr(self) -> str:
        return f'lambda_={self.lambda_}'
