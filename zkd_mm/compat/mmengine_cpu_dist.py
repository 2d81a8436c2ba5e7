# Copyright (c) zkd_mm contributors. All rights reserved.
"""Let mmengine's public ``init_dist`` run on a machine with no accelerator.

Checked on mmengine 0.10.7 (:data:`CHECKED_ON`): ``mmengine.dist.init_dist``
reads each launcher's variables, sets ``MASTER_PORT`` (and ``MASTER_ADDR``
from ``scontrol`` for Slurm) and initialises the process group, but its
private ``_init_dist_pytorch``, ``_init_dist_slurm`` and ``_init_dist_mpi``
first call ``torch.cuda.set_device(local_rank)``, which raises where torch
finds no CUDA device. That call is the only thing that stops a gloo job.

:func:`cuda_set_device_skipped` turns ``torch.cuda.set_device`` into a
no-op for the duration of one ``init_dist`` call, and only while
``torch.cuda.is_available()`` is False; torch is restored when it returns.
``tests/test_compat/test_mmengine_cpu_dist.py`` fails when mmengine stops
making that call, so the fix can go.
"""
import contextlib
from typing import Iterator

import torch

CHECKED_ON = '0.10.7'


def _skip_set_device(device) -> None:
    """Stands in for ``torch.cuda.set_device``: there is no device to set."""


@contextlib.contextmanager
def cuda_set_device_skipped() -> Iterator[None]:
    """Make ``torch.cuda.set_device`` a no-op inside the block, CPU only."""
    if torch.cuda.is_available():
        yield
        return
    original = torch.cuda.set_device
    torch.cuda.set_device = _skip_set_device
    try:
        yield
    finally:
        torch.cuda.set_device = original
