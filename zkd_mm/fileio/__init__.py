# Copyright (c) zkd_mm contributors. All rights reserved.
"""File backends registered in mmengine's ``mmengine.fileio``."""
from .atomic_local_backend import (ATOMIC_BACKEND_ARGS, AtomicLocalBackend,
                                   atomic_write)

__all__ = ['AtomicLocalBackend', 'ATOMIC_BACKEND_ARGS', 'atomic_write']
