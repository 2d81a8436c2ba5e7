# Copyright (c) zkd_mm contributors. All rights reserved.
"""CTKD's learnable temperature and its gradient reversal layer."""
from .gradient_reversal import GradientReversalLayer, gradient_reversal
from .learnable_temperature import LearnableTemperature

__all__ = [
    'GradientReversalLayer', 'gradient_reversal', 'LearnableTemperature'
]
