# Copyright (c) zkd_mm contributors. All rights reserved.
"""Distillers, registered in MMRazor's ``MODELS``."""
from .logit_standardized_distiller import LogitStandardizedDistiller
from .standardization_report import describe_distill_losses

__all__ = ['LogitStandardizedDistiller', 'describe_distill_losses']
