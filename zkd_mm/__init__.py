# Copyright (c) zkd_mm contributors. All rights reserved.
"""zkd_mm: logit standardization (Z-score) knowledge distillation for MMRazor.

Importing this package first installs the compat layer (so that
``mmrazor.models`` imports on torch 2.x and mmengine checkpoints load on
torch >= 2.6), then lets mmengine find zkd_mm's configs as
``zkd_mm::<folder>/<name>.py`` (:mod:`zkd_mm.utils.mim_lookup`), then
registers zkd_mm's components in MMRazor's registries.
"""
from .compat import install as _install_compat

_install_compat()

from .utils.mim_lookup import install as _install_mim_lookup  # noqa: E402

_install_mim_lookup()

from . import datasets, engine, fileio, models  # noqa: E402,F401
from .version import __version__, version_info  # noqa: E402

__all__ = [
    '__version__', 'version_info', 'datasets', 'engine', 'fileio', 'models'
]
