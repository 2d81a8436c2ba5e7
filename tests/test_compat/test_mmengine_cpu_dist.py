# Copyright (c) zkd_mm contributors. All rights reserved.
"""zkd_mm.compat.mmengine_cpu_dist: mmengine's init_dist without CUDA."""
import inspect

import mmengine
import pytest
import torch
from mmengine.dist import utils as dist_utils

from zkd_mm.compat.mmengine_cpu_dist import (CHECKED_ON,
                                             cuda_set_device_skipped)

cpu_only = pytest.mark.skipif(torch.cuda.is_available(),
                              reason='CPU-only behaviour')


@pytest.mark.parametrize(
    'name', ['_init_dist_pytorch', '_init_dist_slurm', '_init_dist_mpi'])
def test_mmengine_still_sets_a_cuda_device(name):
    # The reason for the fix. When this fails, mmengine no longer calls
    # torch.cuda.set_device on that path: drop the fix, or re-check it.
    source = inspect.getsource(getattr(dist_utils, name))
    assert 'torch.cuda.set_device(local_rank)' in source, (
        f'mmengine {mmengine.__version__} changed {name}; the fix was '
        f'checked on {CHECKED_ON}')


@cpu_only
def test_set_device_is_skipped_inside_and_restored_after():
    original = torch.cuda.set_device
    with pytest.raises((RuntimeError, AssertionError)):
        torch.cuda.set_device(0)
    with cuda_set_device_skipped():
        assert torch.cuda.set_device is not original
        assert torch.cuda.set_device(0) is None
    assert torch.cuda.set_device is original


@cpu_only
def test_restored_when_the_block_raises():
    original = torch.cuda.set_device
    with pytest.raises(ValueError, match='inside'):
        with cuda_set_device_skipped():
            raise ValueError('inside')
    assert torch.cuda.set_device is original


@pytest.mark.skipif(
    not torch.cuda.is_available(), reason='needs a CUDA device')
def test_gpu_machine_keeps_set_device():
    original = torch.cuda.set_device
    with cuda_set_device_skipped():
        assert torch.cuda.set_device is original
