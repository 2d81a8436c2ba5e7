# Copyright (c) zkd_mm contributors. All rights reserved.
"""Fail early, with the fix, when no usable mmcv is installed."""
import importlib.metadata
import importlib.util

MMCV_MIN, MMCV_MAX = '2.0.0', '2.1.0'


def _installed_mmcv_version() -> str:
    for dist in ('mmcv', 'mmcv-lite'):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    import mmcv
    return mmcv.__version__


def check_mmcv() -> None:
    """Check that mmcv (full or lite) 2.0.x-2.1.0 is importable.

    Raises:
        ImportError: If mmcv is missing or outside the window MMRazor 1.0.0
            accepts, with the command that fixes it.
    """
    hint = (f'On a CPU-only machine run `pip install "mmcv-lite=={MMCV_MAX}"` '
            '(or, in the zkd_mm checkout, `pip install -e ".[lite]"`); with a '
            f'GPU, install a full mmcv {MMCV_MIN}-{MMCV_MAX} (e.g. '
            f'`mim install "mmcv=={MMCV_MAX}"`).')
    if importlib.util.find_spec('mmcv') is None:
        raise ImportError(f'zkd_mm needs mmcv, which is not installed. {hint}')
    from mmengine.utils import digit_version
    version = _installed_mmcv_version()
    if not (digit_version(MMCV_MIN) <= digit_version(version) <=
            digit_version(MMCV_MAX)):
        raise ImportError(
            f'zkd_mm needs mmcv {MMCV_MIN}-{MMCV_MAX} (MMRazor 1.0.0 asserts '
            f'this window), but mmcv {version} is installed. {hint}')
