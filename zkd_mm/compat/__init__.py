# Copyright (c) zkd_mm contributors. All rights reserved.
"""Narrow, import-time fixes that let MMRazor 1.0.0 run on modern torch and
mmengine 0.10.7 (each module names what it fixes and where it was checked)."""
from . import (checkpoint_safe_globals, checkpoint_schemes, mmcls_alias,
               mmengine_test_json, mmrazor_inplace, mmrazor_quantization)
from .checkpoint_schemes import UnsafeCheckpointError
from .mmcv_check import check_mmcv
from .mmrazor_quantization import QuantizationUnavailableError


def install() -> None:
    """Check mmcv, then install every compat fix; idempotent."""
    check_mmcv()
    mmrazor_quantization.install()
    checkpoint_safe_globals.install()
    checkpoint_schemes.install()
    # Imports mmrazor.models, so after the quantization fix.
    mmrazor_inplace.install()
    mmcls_alias.install()
    mmengine_test_json.install()


__all__ = [
    'install', 'check_mmcv', 'QuantizationUnavailableError',
    'UnsafeCheckpointError'
]
