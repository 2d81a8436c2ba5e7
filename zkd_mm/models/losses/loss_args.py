# Copyright (c) zkd_mm contributors. All rights reserved.
"""Argument checks shared by the distillation losses."""
import math
from typing import Mapping, Optional, Sequence

from .nonfinite import NONFINITE_POLICIES


def check_loss_args(loss_name: str,
                    *,
                    nonfinite: str,
                    tau: Optional[float] = None,
                    eps: Optional[float] = None,
                    loss_weight: Optional[float] = None,
                    reduction: Optional[str] = None,
                    reductions: Sequence[str] = ()) -> None:
    """Raise a ``ValueError`` naming the loss and the bad argument.

    Args:
        loss_name (str): The loss class, used in the message.
        nonfinite (str): Must be one of ``NONFINITE_POLICIES``.
        tau (float, optional): If given, must be finite and > 0.
        eps (float, optional): If given, must be finite and >= 0.
        loss_weight (float, optional): If given, must be finite and >= 0
            (0 switches the loss off; a negative weight would maximize
            the divergence).
        reduction (str, optional): If given, must be in ``reductions``.
        reductions (Sequence[str]): The reductions the loss supports.
    """
    if reduction is not None and reduction not in reductions:
        raise ValueError(f'{loss_name}: reduction must be one of '
                         f'{tuple(reductions)}, got {reduction!r}.')
    if nonfinite not in NONFINITE_POLICIES:
        raise ValueError(f'{loss_name}: nonfinite must be one of '
                         f'{NONFINITE_POLICIES}, got {nonfinite!r}.')
    for name, value, low in (('tau', tau, 'positive'), ('eps', eps,
                                                          'non-negative'),
                             ('loss_weight', loss_weight, 'non-negative')):
        if value is not None:
            check_number(loss_name, name, value, low)


def check_number(owner: str, name: str, value: float, low: str) -> None:
    """Raise unless ``value`` is a finite number in the range ``low`` names.

    Args:
        owner (str): The loss or module, used in the message.
        name (str): The argument's name.
        value (float): Its value.
        low (str): ``'positive'``, ``'non-negative'`` or ``'any'``.
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f'{owner}: {name} must be a number, got '
                         f'{value!r}.') from None
    if not math.isfinite(number):
        raise ValueError(f'{owner}: {name} must be finite, got {value}.')
    if low != 'any' and (number < 0 or (low == 'positive' and number == 0)):
        sign = '> 0' if low == 'positive' else '>= 0'
        raise ValueError(f'{owner}: {name} must be {sign}, got {value}.')


def check_distill_losses(distill_losses: Mapping[str, object]) -> None:
    """Check the arguments of every distill loss, zkd_mm's or not.

    - Every ``loss_weight`` must be finite and >= 0: MMRazor's losses accept
      any weight, and a negative one makes the student maximize the
      divergence from its teacher.
    - MMRazor's ``DKDLoss`` must use ``reduction='batchmean'``: it passes
      ``size_average=False`` to ``F.kl_div``, so every other reduction
      (``'mean'`` in MMRazor's own DKD config) silently sums over the batch,
      a loss N times too large. Its ``alpha`` and ``beta`` must be >= 0.

    Args:
        distill_losses (Mapping[str, object]): The distiller's losses.

    Raises:
        ValueError: Naming the loss and the argument to fix.
    """
    from mmrazor.models.losses import DKDLoss
    for name, loss in distill_losses.items():
        owner = f'distill loss {name!r} ({type(loss).__name__})'
        weight = getattr(loss, 'loss_weight', None)
        if isinstance(weight, (int, float)):
            check_number(owner, 'loss_weight', weight, 'non-negative')
        if isinstance(loss, DKDLoss):
            if loss.reduction != 'batchmean':
                raise ValueError(
                    f"{owner}: reduction must be 'batchmean', got "
                    f"{loss.reduction!r}. MMRazor's DKDLoss sums over the "
                    "batch with any other reduction; 'batchmean' is the "
                    "paper's per-sample mean.")
            for arg in ('alpha', 'beta'):
                check_number(owner, arg, getattr(loss, arg), 'non-negative')
