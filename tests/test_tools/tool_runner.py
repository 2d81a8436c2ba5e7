# Copyright (c) zkd_mm contributors. All rights reserved.
"""Run the command-line tools the way a user does, as subprocesses."""
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from tests.imagenet_distill_cli import tiny_options
from tests.subprocess_utils import REPO_ROOT

KD_CONFIG = (REPO_ROOT / 'configs' / 'imagenet' /
             'kd-zscore_resnet34_resnet18_8xb64_in1k.py')


def tool_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment for a tool: this venv's python first on PATH.

    ``OMP_NUM_THREADS=1`` keeps several ranks from oversubscribing a small
    CPU machine (torchrun sets it too, srun does not).
    """
    env = dict(os.environ)
    env.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)
    env['PATH'] = f'{Path(sys.executable).parent}{os.pathsep}{env["PATH"]}'
    env['OMP_NUM_THREADS'] = '1'
    env.update(extra or {})
    return env


def run_tool(cmd: Sequence[str],
             env: Optional[Dict[str, str]] = None,
             timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``cmd`` in the repository root; output captured as text."""
    return subprocess.run(
        list(cmd),
        cwd=REPO_ROOT,
        env=env or tool_env(),
        capture_output=True,
        text=True,
        timeout=timeout)


def python_tool(script: str, *args: str) -> List[str]:
    """``[python, tools/<script>, *args]`` with this interpreter."""
    return [sys.executable, f'tools/{script}', *args]


def output_of(result: subprocess.CompletedProcess) -> str:
    """Stdout and stderr together."""
    return result.stdout + result.stderr


def assert_tool_ok(result: subprocess.CompletedProcess) -> str:
    """Fail with the tail of the output unless the tool exited 0."""
    log = output_of(result)
    assert result.returncode == 0, (
        f'exit {result.returncode}: {result.args}\n{log[-6000:]}')
    return log


def evidence_lines(log: str) -> List[str]:
    """The log lines that show how a distributed run went."""
    markers = ('+ srun ', 'launch on CPU', 'Distributed launcher:',
               'GPU number:', 'replica ', 'ranks finished')
    return [
        line.strip() for line in log.splitlines()
        if any(marker in line for marker in markers)
    ]


def small_options(data_root: Path, teacher_ckpt: Path,
                  max_epochs: int = 1) -> List[str]:
    """Tiny-data ``--cfg-options`` for training and testing.

    The project's :func:`tiny_options` plus the test dataloader, which
    ``tools/test.py`` uses.
    """
    return tiny_options(data_root, teacher_ckpt, max_epochs) + [
        f'test_dataloader.dataset.data_root={data_root}',
        'test_dataloader.dataset.pipeline.1.scale=36',
        'test_dataloader.dataset.pipeline.2.crop_size=32',
        'test_dataloader.batch_size=4',
        'test_dataloader.num_workers=0',
    ]


def write_config(path: Path, base: Path, body: str = '') -> Path:
    """A config that inherits ``base`` and adds ``body``."""
    path.write_text(f'_base_ = [{str(base)!r}]\n{body}')
    return path


def free_port() -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]
