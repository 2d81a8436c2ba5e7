# Copyright (c) zkd_mm contributors. All rights reserved.
"""Connectors, registered in MMRazor's ``MODELS``."""
from .zscore_connector import ZScoreConnector

__all__ = ['ZScoreConnector']
