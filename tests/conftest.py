# Copyright (c) zkd_mm contributors. All rights reserved.
"""Shared test set-up and session-wide data fixtures."""
import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, Iterator

import pytest

from tests.subprocess_utils import REPO_ROOT

if os.environ.get('PYTEST_XDIST_WORKER'):
    # pytest-xdist runs one worker a core (the README's ``-n 2`` on 2
    # cores): one torch thread each, in this process and in the tools it
    # starts, instead of every worker spinning threads on every core.
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))

# Tests must prove that checkpoints load *without* this escape hatch.
os.environ.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)

# `pytest -m quick tests`: the in-process tests of the math and the
# components (losses, Z-score, distillers, algorithms, datasets, file and
# config helpers), a few minutes on 2 CPU cores. Everything else starts
# tools, trainings or a Slurm cluster.
QUICK = ('test_models', 'test_datasets', 'test_fileio', 'test_utils',
         'test_analysis')


def pytest_collection_modifyitems(items) -> None:
    """Mark the tests of the QUICK folders ``quick``.

    A module there that starts interpreters or builds a wheel (the test of
    :mod:`zkd_mm.utils.mim_lookup`) opts out with ``QUICK = False``.
    """
    for item in items:
        parts = Path(str(item.fspath)).relative_to(REPO_ROOT).parts
        module = getattr(item, 'module', None)
        if (len(parts) > 1 and parts[1] in QUICK
                and getattr(module, 'QUICK', True)):
            item.add_marker(pytest.mark.quick)


@pytest.fixture(scope='session')
def tiny_imagenet(tmp_path_factory) -> Path:
    """8 train and 4 val JPEGs in mmpretrain's ImageNet layout."""
    from tests.data_fixtures import write_tiny_imagenet
    return write_tiny_imagenet(tmp_path_factory.mktemp('imagenet'))


@pytest.fixture(scope='session')
def r34_teacher_ckpt(tmp_path_factory) -> Path:
    """A ResNet-34 ImageNet teacher checkpoint in mmpretrain's format."""
    from tests.imagenet_distill_cli import write_r34_teacher_checkpoint
    return write_r34_teacher_checkpoint(
        tmp_path_factory.mktemp('teacher') / 'resnet34_teacher.pth')


@pytest.fixture(scope='session')
def tiny_cifar100(tmp_path_factory) -> Iterator[Path]:
    """4 train and 2 test images as CIFAR-100 python pickles.

    Once requested, mmpretrain's ``CIFAR100`` expects these files' md5 sums
    until the session ends (see ``tests/data_fixtures/tiny_cifar.py``).
    """
    from tests.data_fixtures import accept_tiny_cifar100, write_tiny_cifar100
    root = write_tiny_cifar100(tmp_path_factory.mktemp('cifar100'))
    with accept_tiny_cifar100(root):
        yield root


@pytest.fixture(scope='session')
def fashion_mnist_root(tmp_path_factory) -> Path:
    """The real Fashion-MNIST (Debian package), unpacked for mmpretrain.

    Skips when ``dataset-fashion-mnist`` is not installed.
    """
    from tests.data_fixtures.fashion_mnist import prepare_fashion_mnist_or_skip
    return prepare_fashion_mnist_or_skip(
        tmp_path_factory.mktemp('fashion_mnist'))


CLUSTER = REPO_ROOT / 'tests' / 'slurm_cluster'
PACKAGES_MISSING = 'up.sh: ERROR: apt-get install'


def _read_env_sh(path: Path) -> Dict[str, str]:
    """The ``export NAME=VALUE`` lines that up.sh writes, as a dict."""
    env = {}
    for line in path.read_text().splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == 'export' and '=' in words[1]:
            name, value = words[1].split('=', 1)
            env[name] = value
    return env


def _tool_env(extra):
    from tests.test_tools.tool_runner import tool_env
    return tool_env(extra)


def _cluster_script(name: str, state: Path,
                    **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(['bash', str(CLUSTER / name)],
                          env=_tool_env({'STATE': str(state), **env}),
                          capture_output=True,
                          text=True,
                          timeout=600)


@pytest.fixture(scope='session')
def slurm_cluster():
    """Bring up the test cluster in its own state dir; tear it down after.

    One cluster a machine: the tests that use it are marked ``slurm`` and
    run apart from pytest-xdist's workers (the README's commands); under a
    worker this fixture fails saying so.

    Skips only when the Slurm packages cannot be installed; any other
    bring-up failure fails the test. The state dir is not under pytest's
    private (0700) tmp tree: munged runs as user ``munge`` and must reach
    its socket and key there.
    """
    if os.environ.get('PYTEST_XDIST_WORKER'):
        pytest.fail('the Slurm tests bring up one cluster a machine and '
                    'cannot run in pytest-xdist workers: run them apart, '
                    '`pytest -m slurm tests` (and `-m "not slurm"` with -n)')
    state = Path(tempfile.mkdtemp(prefix='zkd_mm_slurm_'))
    state.chmod(0o755)
    up = _cluster_script('up.sh', state)
    if up.returncode != 0:
        log = up.stdout + up.stderr
        _cluster_script('down.sh', state, PURGE='1')
        if PACKAGES_MISSING in log:
            pytest.skip(f'Slurm packages cannot be installed:\n{log[-2000:]}')
        pytest.fail(f'tests/slurm_cluster/up.sh failed:\n{log[-4000:]}')
    yield _read_env_sh(state / 'env.sh')
    down = _cluster_script('down.sh', state, PURGE='1')
    assert down.returncode == 0, down.stdout + down.stderr
