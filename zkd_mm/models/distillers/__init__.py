# Copyright (c) zkd_mm contributors. All rights reserved.
"""Distillers, registered in MMRazor's ``MODELS``."""
from .logit_standardized_distiller import LogitStandardizedDistiller

__all__ = ['LogitStandardizedDistiller']
