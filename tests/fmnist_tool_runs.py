# Copyright (c) zkd_mm contributors. All rights reserved.
"""Tiny real distillation runs on Fashion-MNIST through ``tools/train.py``.

The KD + Z-score config with the shipped teacher, on the first
``TRAIN_SIZE`` training images: ``ITERS_PER_EPOCH`` iterations of batch
``BATCH`` per epoch, about a second each on a CPU, with checkpoints of
about 1.2 MB. The fault tests (kills, preemption, full disks, huge
learning rates) run on it.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import torch

from tests.subprocess_utils import REPO_ROOT
from tests.test_tools.tool_runner import tool_env

CONFIG = (REPO_ROOT / 'configs' / 'fashion_mnist' /
          'kd-zscore_resnet18-w8_lenet5_1xb128_fashion-mnist-10k.py')
BATCH = 16
ITERS_PER_EPOCH = 8
TRAIN_SIZE = BATCH * ITERS_PER_EPOCH


def options(data_root: Path,
            epochs: int,
            num_workers: int = 1,
            extra: Sequence[str] = ()) -> List[str]:
    """``--cfg-options`` for a tiny run of ``epochs`` epochs."""
    return [
        f'train_dataloader.dataset.data_root={data_root}',
        f'val_dataloader.dataset.data_root={data_root}',
        f'test_dataloader.dataset.data_root={data_root}',
        f'train_dataloader.dataset.indices={TRAIN_SIZE}',
        'val_dataloader.dataset.indices=100',
        'test_dataloader.dataset.indices=100',
        f'train_dataloader.batch_size={BATCH}',
        'val_dataloader.batch_size=50', 'test_dataloader.batch_size=50',
        f'train_dataloader.num_workers={num_workers}',
        'val_dataloader.num_workers=0', 'test_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.persistent_workers=False',
        f'train_cfg.max_epochs={epochs}', 'default_hooks.logger.interval=1',
        # Epoch checkpoints only: the fault tests count and kill saves.
        'default_hooks.checkpoint.save_best=None',
        'randomness.seed=0', *extra
    ]


def train_cmd(work_dir: Path, opts: Sequence[str], *args: str,
              config: Path = CONFIG, wrapper: bool = False) -> List[str]:
    """The ``tools/train.py`` command line (through the fault injector)."""
    runner = ['-m', 'tests.fault_injection'] if wrapper else []
    return [
        sys.executable, *runner, 'tools/train.py',
        str(config), '--work-dir',
        str(work_dir), *args, '--cfg-options', *opts
    ]


def run(cmd: Sequence[str],
        env: Optional[Dict[str, str]] = None,
        timeout: int = 600) -> subprocess.CompletedProcess:
    """Run a tool to its end; output captured as text."""
    return subprocess.run(list(cmd), cwd=REPO_ROOT, env=env or tool_env(),
                          capture_output=True, text=True, timeout=timeout)


def start(cmd: Sequence[str], log: Path,
          env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
    """Start a tool in its own process group, output into ``log``."""
    with open(log, 'w') as out:
        return subprocess.Popen(list(cmd), cwd=REPO_ROOT, env=env or tool_env(),
                                stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_for(predicate, what: str, timeout: float = 300) -> None:
    """Poll ``predicate`` every 0.1 s; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f'timed out waiting for {what}')
        time.sleep(0.1)


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> int:
    """Send ``sig`` to the process group; return the exit status."""
    os.killpg(process.pid, sig)
    return process.wait(timeout=300)


def state_dict(path: Path) -> Dict[str, torch.Tensor]:
    """A checkpoint's state dict (weights only)."""
    return torch.load(path, map_location='cpu', weights_only=True)['state_dict']


def differing_tensors(a: Path, b: Path) -> List[str]:
    """The state-dict keys whose tensors differ between two checkpoints."""
    sa, sb = state_dict(a), state_dict(b)
    assert list(sa) == list(sb)
    return [key for key in sa if not torch.equal(sa[key], sb[key])]
