# Copyright (c) zkd_mm contributors. All rights reserved.
"""Data preprocessors, registered in MMRazor's ``MODELS``."""
from .multi_view_data_preprocessor import MultiViewDataPreprocessor

__all__ = ['MultiViewDataPreprocessor']
