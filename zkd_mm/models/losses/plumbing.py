# Copyright (c) zkd_mm contributors. All rights reserved.
"""Loss plumbing shared by the distillation losses and the algorithms.

- Argument checks at build time (:func:`check_loss_args`,
  :func:`check_number`, :func:`check_distill_losses`).
- The per-iteration non-finite check: the losses compute without any
  host-device synchronization of their own; the algorithm keeps each
  iteration's losses, and ``FiniteCheckHook`` checks them (and the
  gradients) once per iteration, with one synchronization, naming the loss,
  the side and the sample count through :func:`describe_nonfinite_losses`.
  Under AMP with a dynamic loss scale the scaler skips a step with infinite
  gradients before the check sees it.
- The dtype and autocast handling lives with the math it serves
  (:func:`zkd_mm.models.functional.zscore.compute_dtype` and
  ``autocast_disabled``).
"""
import math
from typing import Dict, List, Mapping, Optional, Sequence

import torch


def check_loss_args(loss_name: str,
                    *,
                    tau: Optional[float] = None,
                    eps: Optional[float] = None,
                    loss_weight: Optional[float] = None,
                    reduction: Optional[str] = None,
                    reductions: Sequence[str] = ()) -> None:
    """Raise a ``ValueError`` naming the loss and the bad argument.

    Args:
        loss_name (str): The loss class, used in the message.
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


def _describe(values: torch.Tensor) -> str:
    bad = ~torch.isfinite(values)
    rows = bad.flatten(1).any(1) if bad.dim() > 1 else bad
    return (f'{int(bad.sum())} non-finite values in {int(rows.sum())} of '
            f'{values.shape[0] if values.dim() else 1} samples')


def _loss_inputs(distiller, loss_name: str) -> List[str]:
    """What is non-finite among the recorded inputs of one distill loss."""
    mapping = getattr(distiller, 'loss_forward_mappings', {}).get(
        loss_name, {})
    parts = []
    for arg, spec in mapping.items():
        if 'recorder' not in spec:
            continue
        side = 'student' if spec['from_student'] else 'teacher'
        manager = getattr(distiller, f'{side}_recorders')
        try:
            data = manager.get_recorder(spec['recorder']).get_record_data(
                spec.get('record_idx', 0), spec.get('data_idx'))
        except (IndexError, KeyError, AttributeError):
            continue
        if (isinstance(data, torch.Tensor) and data.is_floating_point()
                and not bool(torch.isfinite(data).all())):
            parts.append(f'{side} {arg} (recorder {spec["recorder"]}) '
                         f'have {_describe(data)}')
    return parts


def describe_nonfinite_losses(model: torch.nn.Module,
                              losses: Mapping[str, torch.Tensor]
                              ) -> List[str]:
    """One line per NaN or infinite loss, saying which inputs caused it.

    Call it only once a check found a non-finite value: it synchronizes
    per loss. For a distill loss the recorded inputs of its
    ``loss_forward_mappings`` are examined, side by side.

    Args:
        model (torch.nn.Module): The algorithm (with a ``distiller``) or
            any model.
        losses (Mapping[str, torch.Tensor]): The losses of the iteration,
            as the model returned them (``distill.<name>``, ``student.*``).

    Returns:
        list[str]: E.g. ``distill.loss_kl is nan: student preds_S
        (recorder fc) have 3 non-finite values in 1 of 8 samples``.
    """
    distiller = getattr(model, 'distiller', None)
    lines = []
    for key, value in losses.items():
        if not isinstance(value, torch.Tensor) or bool(
                torch.isfinite(value).all()):
            continue
        kind = 'nan' if bool(torch.isnan(value).any()) else 'inf'
        parts = []
        if key.startswith('distill.') and distiller is not None:
            parts = _loss_inputs(distiller, key[len('distill.'):]) or [
                'its inputs are finite, but too large for the loss in '
                'float32'
            ]
        lines.append(f'{key} is {kind}' +
                     (': ' + '; '.join(parts) if parts else ''))
    return lines


def detached(losses: Mapping[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """The losses without their graphs, kept for the iteration's check."""
    return {
        key: value.detach()
        for key, value in losses.items() if isinstance(value, torch.Tensor)
    }
