# Copyright (c) zkd_mm contributors. All rights reserved.
"""Say, per distill loss, whether and by what its inputs are Z-scored.

Users of the paper's code could not tell whether standardization was on.
zkd_mm's tools log one line per distill loss at start-up, e.g.::

    distill loss loss_kl (ZScoreKLDivergence): inputs Z-scored by the loss
    distill loss loss_dkd (DKDLoss): preds_S, preds_T Z-scored by
        LogitStandardizedDistiller (recorders fc)
    distill loss loss_kl (KLDivergence): not Z-scored
"""
from typing import List

import torch.nn as nn
from mmengine.model import is_model_wrapper

# zkd_mm losses that standardize inside (always, or with standardize=True).
_ALWAYS = ('ZScoreKLDivergence', )
_FLAGGED = ('CTKDLoss', 'MLKDInstanceLoss')


def _by_loss(loss: nn.Module) -> bool:
    name = type(loss).__name__
    return name in _ALWAYS or (name in _FLAGGED
                               and bool(getattr(loss, 'standardize', False)))


def describe_distill_losses(model: nn.Module) -> List[str]:
    """One line per distill loss of ``model``'s distiller (none if it has
    no distiller)."""
    from .logit_standardized_distiller import LogitStandardizedDistiller
    if is_model_wrapper(model):
        model = model.module
    distiller = getattr(model, 'distiller', None)
    losses = getattr(distiller, 'distill_losses', None)
    if losses is None:
        return []
    standardized = (set(distiller.standardized_recorders) if isinstance(
        distiller, LogitStandardizedDistiller) else set())
    lines = []
    for name, loss in losses.items():
        mapping = distiller.loss_forward_mappings.get(name, {})
        by = []
        if _by_loss(loss):
            by.append('inputs Z-scored by the loss')
        logits = [arg for arg, spec in mapping.items()
                  if spec.get('recorder') in standardized]
        if logits:
            recorders = sorted({mapping[arg]['recorder'] for arg in logits})
            by.append(f'{", ".join(logits)} Z-scored by '
                      f'LogitStandardizedDistiller (recorders '
                      f'{", ".join(recorders)})')
        text = '; '.join(by) if by else 'not Z-scored'
        if len(by) > 1:
            text += ' (standardized more than once: a Z-score of a Z-score '
            text += 'is itself up to eps)'
        lines.append(f'distill loss {name} ({type(loss).__name__}): {text}')
    return lines
