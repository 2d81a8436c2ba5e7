# Copyright (c) zkd_mm contributors. All rights reserved.
"""Argument checks shared by the distillation losses."""
from typing import Optional, Sequence

from .nonfinite import NONFINITE_POLICIES


def check_loss_args(loss_name: str,
                    *,
                    nonfinite: str,
                    tau: Optional[float] = None,
                    eps: Optional[float] = None,
                    reduction: Optional[str] = None,
                    reductions: Sequence[str] = ()) -> None:
    """Raise a ``ValueError`` naming the loss and the bad argument.

    Args:
        loss_name (str): The loss class, used in the message.
        nonfinite (str): Must be one of ``NONFINITE_POLICIES``.
        tau (float, optional): If given, must be > 0.
        eps (float, optional): If given, must be >= 0.
        reduction (str, optional): If given, must be in ``reductions``.
        reductions (Sequence[str]): The reductions the loss supports.
    """
    if reduction is not None and reduction not in reductions:
        raise ValueError(f'{loss_name}: reduction must be one of '
                         f'{tuple(reductions)}, got {reduction!r}.')
    if nonfinite not in NONFINITE_POLICIES:
        raise ValueError(f'{loss_name}: nonfinite must be one of '
                         f'{NONFINITE_POLICIES}, got {nonfinite!r}.')
    if tau is not None and tau <= 0:
        raise ValueError(f'{loss_name}: tau must be > 0, got {tau}.')
    if eps is not None and eps < 0:
        raise ValueError(f'{loss_name}: eps must be >= 0, got {eps}.')
