# Copyright (c) zkd_mm contributors. All rights reserved.
"""Narrow, import-time fixes that let MMRazor 1.0.0 run on modern torch."""
from . import checkpoint_safe_globals, mmrazor_quantization
from .mmcv_check import check_mmcv
from .mmrazor_quantization import QuantizationUnavailableError


def install() -> None:
    """Check mmcv, then install every compat fix; idempotent."""
    check_mmcv()
    mmrazor_quantization.install()
    checkpoint_safe_globals.install()
    from . import mim_lookup
    mim_lookup.install()


__all__ = ['install', 'check_mmcv', 'QuantizationUnavailableError']
