# Copyright (c) zkd_mm contributors. All rights reserved.
"""Fixtures shared by the tool tests: configs and one real training run.

``tiny_imagenet`` and ``r34_teacher_ckpt`` come from ``tests/conftest.py``.
"""
from pathlib import Path
from typing import List

import pytest

from tests.test_tools.tool_runner import (KD_CONFIG, assert_tool_ok,
                                          python_tool, run_tool, small_options,
                                          write_config)

# Resuming must reproduce an uninterrupted run bit for bit, but mmengine
# does not checkpoint RNG states. With num_workers=0 the augmentations
# (RandomResizedCrop, RandomFlip) draw from the main process's numpy RNG,
# which a resumed run re-seeds at start-up, so its epoch 2 crops differ
# (verified: 102 of the state_dict tensors then differ). With one worker
# that is not persistent, every epoch starts a fresh worker that
# mmengine's worker_init_fn seeds with seed + worker_id, whichever process
# started it; the sampler order is seeded by seed + epoch. The data of
# epoch 2 are then the same in both runs, and so is everything else:
# weights, optimizer momentum and scheduler come from the checkpoint.
RESUME_CONFIG_BODY = """
train_dataloader = dict(num_workers=1, persistent_workers=False)
randomness = dict(seed=0, deterministic=True)
"""


@pytest.fixture(scope='session')
def hook_config(tmp_path_factory) -> Path:
    """The KD config plus the test ``ReplicaConsistencyHook``.

    The hook lives in ``tests/replica_consistency_hook.py``, not in
    zkd_mm, so the config imports that module too: the launchers
    (``tools/dist_train.sh``, ``tools/slurm_train.sh``) put the repository
    root on ``PYTHONPATH``.
    """
    return write_config(
        tmp_path_factory.mktemp('configs') / 'kd_replica_check.py',
        KD_CONFIG,
        "custom_imports = dict(\n"
        "    imports=['zkd_mm', 'tests.replica_consistency_hook'],\n"
        "    allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='mmrazor.ReplicaConsistencyHook')]\n")


@pytest.fixture(scope='session')
def resume_config(tmp_path_factory) -> Path:
    """The KD config with the deterministic data loading explained above."""
    return write_config(
        tmp_path_factory.mktemp('configs') / 'kd_resumable.py', KD_CONFIG,
        RESUME_CONFIG_BODY)


@pytest.fixture(scope='session')
def resume_options(tiny_imagenet, r34_teacher_ckpt):
    """``--cfg-options`` for :func:`resume_config`, given ``max_epochs``."""

    def options(max_epochs: int) -> List[str]:
        return small_options(tiny_imagenet, r34_teacher_ckpt, max_epochs) + [
            'train_dataloader.num_workers=1'
        ]

    return options


@pytest.fixture(scope='session')
def two_epoch_run(tmp_path_factory, resume_config, resume_options) -> Path:
    """The work dir of an uninterrupted 2-epoch distillation run."""
    work_dir = tmp_path_factory.mktemp('two_epochs')
    assert_tool_ok(
        run_tool(
            python_tool('train.py', str(resume_config), '--work-dir',
                        str(work_dir), '--cfg-options',
                        *resume_options(2))))
    assert (work_dir / 'epoch_2.pth').exists()
    return work_dir
