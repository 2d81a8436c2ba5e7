# Copyright (c) zkd_mm contributors. All rights reserved.
"""No checkpoint, local, remote or cached, can run code on load.

A pickle whose ``__reduce__`` calls ``os.system`` is served over HTTP from
127.0.0.1 and used as a teacher checkpoint, as the checkpoint of
``tools/test.py``, as a ``--resume`` target and from torch.hub's cache.
Before zkd_mm's loaders, mmengine loaded all of these with
``weights_only=False``: the command ran and the runs exited 0. Now each is
refused with an error naming the file, and the command never runs. A good
checkpoint served the same way still loads.
"""
import os
import shutil
from pathlib import Path

import pytest
import torch

from tests import fmnist_tool_runs as runs
from tests.http_fixture import serve_directory
from tests.subprocess_utils import assert_ok, run_python
from tests.test_tools.tool_runner import output_of, python_tool, tool_env

TEACHER = (runs.REPO_ROOT / 'checkpoints' / 'fashion_mnist' /
           'teacher_resnet18-w8_fmnist.pth')
REFUSED = 'zkd_mm refused to load checkpoint {}: it holds objects'


class _RunsCommand:
    """Pickled as a call of ``os.system(command)``."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return os.system, (self.command, )


def _hostile(path: Path, marker: Path) -> Path:
    state = torch.load(TEACHER, weights_only=True)['state_dict']
    torch.save({'state_dict': state,
                'meta': {'note': _RunsCommand(f'touch {marker}')}}, path)
    return path


@pytest.fixture
def served(tmp_path):
    """A directory of checkpoints served on 127.0.0.1, and the marker."""
    root, marker = tmp_path / 'served', tmp_path / 'code_ran'
    root.mkdir()
    _hostile(root / 'hostile.pth', marker)
    shutil.copy(TEACHER, root / 'teacher.pth')
    with serve_directory(root) as url:
        yield url, marker


def _env(tmp_path, **extra):
    return tool_env({'TORCH_HOME': str(tmp_path / 'torch_home'), **extra})


def _train(data_root, tmp_path, *args, opts=(), **env):
    cmd = runs.train_cmd(tmp_path / 'work',
                         runs.options(data_root, 1, extra=list(opts)), *args)
    return runs.run(cmd, env=_env(tmp_path, **env))


def _assert_refused(result, source: str, marker: Path) -> None:
    log = output_of(result)
    assert result.returncode != 0, log[-3000:]
    assert REFUSED.format(source) in log, log[-3000:]
    assert not marker.exists()


def test_hostile_teacher_url_is_refused(fashion_mnist_root, served,
                                        tmp_path):
    url, marker = served
    result = _train(fashion_mnist_root, tmp_path,
                    opts=[f'model.teacher_ckpt={url}/hostile.pth'])
    _assert_refused(result, f'{url}/hostile.pth', marker)


def test_hostile_test_checkpoint_url_is_refused(fashion_mnist_root, served,
                                                tmp_path):
    url, marker = served
    result = runs.run(
        python_tool('test.py', str(runs.CONFIG), f'{url}/hostile.pth',
                    '--work-dir', str(tmp_path / 'work'), '--cfg-options',
                    *runs.options(fashion_mnist_root, 1)),
        env=_env(tmp_path))
    _assert_refused(result, f'{url}/hostile.pth', marker)


def test_hostile_resume_url_is_refused(fashion_mnist_root, served,
                                       tmp_path):
    url, marker = served
    result = _train(fashion_mnist_root, tmp_path, '--resume',
                    f'{url}/hostile.pth')
    _assert_refused(result, f'{url}/hostile.pth', marker)


def test_hostile_file_in_the_hub_cache_is_refused(fashion_mnist_root,
                                                  tmp_path):
    marker = tmp_path / 'code_ran'
    cache = tmp_path / 'torch_home' / 'hub' / 'checkpoints'
    cache.mkdir(parents=True)
    _hostile(cache / 'cached.pth', marker)
    # Nothing listens on port 9: only the cached file can be loaded.
    url = 'http://127.0.0.1:9/cached.pth'
    result = _train(fashion_mnist_root, tmp_path,
                    opts=[f'model.teacher_ckpt={url}'])
    _assert_refused(result, url, marker)


def test_local_file_is_refused_despite_the_escape_hatch(
        fashion_mnist_root, tmp_path):
    marker = tmp_path / 'code_ran'
    path = _hostile(tmp_path / 'hostile.pth', marker)
    result = _train(fashion_mnist_root, tmp_path,
                    opts=[f'model.teacher_ckpt={path}'],
                    TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1')
    _assert_refused(result, str(path), marker)


def test_good_teacher_over_http_loads(fashion_mnist_root, served, tmp_path):
    url, _ = served
    result = _train(fashion_mnist_root, tmp_path,
                    opts=[f'model.teacher_ckpt={url}/teacher.pth'])
    log = output_of(result)
    assert result.returncode == 0, log[-3000:]
    assert f'Loaded teacher checkpoint {url}/teacher.pth: ' in log
    # The teacher's accuracy shows that its weights are the shipped ones.
    assert 'teacher.accuracy/top1: ' in log


def test_every_mmengine_scheme_is_weights_only(tmp_path):
    """All of mmengine's schemes are zkd_mm's; torchvision:// via cache."""
    marker = tmp_path / 'code_ran'
    cache = tmp_path / 'hub' / 'checkpoints'
    cache.mkdir(parents=True)
    # mmengine's torchvision table names this file for resnet18.
    _hostile(cache / 'resnet18-f37072fd.pth', marker)
    out = assert_ok(
        run_python(
            f"""
            import zkd_mm
            from mmengine.runner.checkpoint import CheckpointLoader
            from zkd_mm.compat.checkpoint_schemes import (
                SCHEMES, UnsafeCheckpointError)
            ours = {{loader for _, loader in SCHEMES}}
            print('NOT_OURS', [p for p, f in CheckpointLoader._schemes.items()
                               if f not in ours])
            try:
                CheckpointLoader.load_checkpoint('torchvision://resnet18')
            except UnsafeCheckpointError as error:
                print('REFUSED', 'resnet18-f37072fd.pth' in str(error))
            """,
            env={'TORCH_HOME': str(tmp_path)}))
    assert 'NOT_OURS []' in out
    assert 'REFUSED True' in out
    assert not marker.exists()
