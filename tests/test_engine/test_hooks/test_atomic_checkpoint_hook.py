# Copyright (c) zkd_mm contributors. All rights reserved.
"""A kill or a full disk during a save never costs more than that save.

Real ``tools/train.py`` runs of the Fashion-MNIST KD + Z-score config
(``max_keep_ckpts=1``, as in every Fashion-MNIST and CIFAR-100 config):

- SIGKILL while the second checkpoint is half written, and SIGKILL after
  it is complete but before the first is deleted: ``--resume`` then
  continues from the newest complete checkpoint and ends with exactly the
  weights of an uninterrupted run. With mmengine's own ``CheckpointHook``
  the first moment left no loadable checkpoint (the old one was already
  deleted, the new one truncated).
- A disk too small for a second checkpoint (a tmpfs): the save fails with
  an error naming the file, the partial file is removed, and the first
  checkpoint is intact and resumable.
"""
import os
import shutil
import signal
import subprocess
import uuid
from pathlib import Path

import pytest

from tests import fmnist_tool_runs as runs
from tests.test_tools.tool_runner import assert_tool_ok, tool_env

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.engine.resume import (  # isort: skip
    find_resumable_checkpoint, is_intact)


@pytest.fixture(scope='module')
def uninterrupted(fashion_mnist_root, tmp_path_factory) -> Path:
    """An uninterrupted 3-epoch run that keeps all its checkpoints."""
    work_dir = tmp_path_factory.mktemp('uninterrupted')
    assert_tool_ok(
        runs.run(
            runs.train_cmd(
                work_dir,
                runs.options(fashion_mnist_root, 3,
                             extra=['default_hooks.checkpoint.max_keep_ckpts'
                                    '=3']))))
    return work_dir


def _killed_at(moment: str, call: int, data_root: Path, work_dir: Path):
    marker = work_dir.parent / f'{work_dir.name}.marker'
    env = tool_env({
        'ZKD_FAULT_MOMENT': moment,
        'ZKD_FAULT_CALL': str(call),
        'ZKD_FAULT_MARKER': str(marker),
        'PYTHONPATH': str(runs.REPO_ROOT),
    })
    process = runs.start(
        runs.train_cmd(work_dir, runs.options(data_root, 3), wrapper=True),
        work_dir.parent / f'{work_dir.name}.log', env)
    runs.wait_for(lambda: marker.exists() or process.poll() is not None,
                  f'the {moment} moment')
    assert process.poll() is None, (work_dir.parent /
                                    f'{work_dir.name}.log').read_text()
    assert runs.kill_group(process) == -signal.SIGKILL


def _resume_to_the_end(data_root: Path, work_dir: Path) -> str:
    return assert_tool_ok(
        runs.run(
            runs.train_cmd(work_dir, runs.options(data_root, 3),
                           '--resume')))


def test_kill_while_the_new_checkpoint_is_half_written(
        fashion_mnist_root, uninterrupted, tmp_path):
    work_dir = tmp_path / 'work'
    _killed_at('mid_write', 2, fashion_mnist_root, work_dir)
    # The old checkpoint is still there and complete; the new one exists
    # only as a partial temporary file; the pointer names the old one.
    assert is_intact(str(work_dir / 'epoch_1.pth'))
    assert not (work_dir / 'epoch_2.pth').exists()
    partial = list(work_dir.glob('.epoch_2.pth.*.tmp'))
    assert len(partial) == 1 and partial[0].stat().st_size > 0
    assert (work_dir / 'last_checkpoint').read_text().strip() == str(
        work_dir / 'epoch_1.pth')

    log = _resume_to_the_end(fashion_mnist_root, work_dir)
    assert f'--resume: resuming from {work_dir / "epoch_1.pth"}' in log
    assert 'resumed epoch: 1, iter: 8' in log
    assert not list(work_dir.glob('.*.tmp'))  # the partial file is gone
    assert runs.differing_tensors(work_dir / 'epoch_3.pth',
                                  uninterrupted / 'epoch_3.pth') == []


def test_kill_after_the_save_before_the_old_checkpoint_is_deleted(
        fashion_mnist_root, uninterrupted, tmp_path):
    work_dir = tmp_path / 'work'
    _killed_at('before_removal', 1, fashion_mnist_root, work_dir)
    assert is_intact(str(work_dir / 'epoch_1.pth'))
    assert is_intact(str(work_dir / 'epoch_2.pth'))
    assert (work_dir / 'last_checkpoint').read_text().strip() == str(
        work_dir / 'epoch_2.pth')

    log = _resume_to_the_end(fashion_mnist_root, work_dir)
    assert 'resumed epoch: 2, iter: 16' in log
    # max_keep_ckpts=1: the next save removes what the kill left behind.
    assert sorted(p.name for p in work_dir.glob('*.pth')) == ['epoch_3.pth']
    assert runs.differing_tensors(work_dir / 'epoch_3.pth',
                                  uninterrupted / 'epoch_3.pth') == []


def test_resume_skips_a_truncated_checkpoint_the_pointer_names(
        fashion_mnist_root, uninterrupted, tmp_path):
    """What a kill during mmengine's own in-place save left behind."""
    work_dir = tmp_path / 'work'
    shutil.copytree(uninterrupted, work_dir)
    (work_dir / 'epoch_2.pth').unlink()
    last = work_dir / 'epoch_3.pth'
    last.write_bytes(last.read_bytes()[:last.stat().st_size // 3])
    (work_dir / 'last_checkpoint').write_text(str(last))
    log = _resume_to_the_end(fashion_mnist_root, work_dir)
    assert (f'last_checkpoint names {last}, which is missing or '
            f"incomplete; skipped incomplete checkpoints ['{last}']; "
            'resuming from the newest intact checkpoint '
            f'{work_dir / "epoch_1.pth"}') in log
    assert 'resumed epoch: 1, iter: 8' in log
    assert runs.differing_tensors(last, uninterrupted / 'epoch_3.pth') == []


def _mount_tmpfs(path: Path, size_bytes: int) -> None:
    path.mkdir(parents=True)
    result = subprocess.run(
        ['mount', '-t', 'tmpfs', '-o', f'size={size_bytes}', 'tmpfs',
         str(path)],
        capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f'cannot mount a tmpfs (needs root): {result.stderr}')


def test_full_disk_keeps_the_last_checkpoint(fashion_mnist_root,
                                             uninterrupted, tmp_path):
    size = (uninterrupted / 'epoch_3.pth').stat().st_size
    disk = tmp_path / f'disk-{uuid.uuid4().hex[:8]}'
    # Room for one checkpoint and the logs, not for two checkpoints.
    _mount_tmpfs(disk, int(size * 1.6))
    try:
        work_dir = disk / 'work'
        result = runs.run(
            runs.train_cmd(work_dir, runs.options(fashion_mnist_root, 3)))
        log = result.stdout + result.stderr
        assert result.returncode != 0, log[-3000:]
        assert (f'Could not write {work_dir / "epoch_2.pth"} '
                '(No space left on device); the partial file was removed '
                'and the destination was left as it was') in log
        assert not list(work_dir.glob('.*.tmp'))
        assert not (work_dir / 'epoch_2.pth').exists()
        assert find_resumable_checkpoint(str(work_dir)) == str(
            work_dir / 'epoch_1.pth')
        assert runs.differing_tensors(
            work_dir / 'epoch_1.pth', uninterrupted / 'epoch_1.pth') == []
    finally:
        subprocess.run(['umount', str(disk)], check=False)
        os.rmdir(disk)
