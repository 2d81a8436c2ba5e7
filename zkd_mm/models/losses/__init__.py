# Copyright (c) zkd_mm contributors. All rights reserved.
"""Distillation losses, registered in MMRazor's ``MODELS``."""
from .ctkd_loss import CTKDLoss
from .mlkd_losses import MLKDBatchLoss, MLKDClassLoss, MLKDInstanceLoss
from .zscore_kl_divergence import ZScoreKLDivergence

__all__ = [
    'ZScoreKLDivergence', 'CTKDLoss', 'MLKDInstanceLoss',
    'MLKDClassLoss', 'MLKDBatchLoss'
]
