# Copyright (c) zkd_mm contributors. All rights reserved.
"""``find_resumable_checkpoint``: the pointer's target, or the newest
intact checkpoint, never a missing or truncated one."""
import os
import time

import torch

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.engine.resume import (find_resumable_checkpoint,  # isort: skip
                                  is_intact, write_last_checkpoint)


def _save(path, mtime):
    torch.save({'state_dict': {'w': torch.ones(1000)}}, path)
    os.utime(path, (mtime, mtime))
    return str(path)


def test_intact_and_truncated_files(tmp_path):
    good = _save(tmp_path / 'a.pth', time.time())
    assert is_intact(good)
    data = open(good, 'rb').read()
    for size in (0, 10, len(data) // 2, len(data) - 1):
        (tmp_path / 'cut.pth').write_bytes(data[:size])
        assert not is_intact(str(tmp_path / 'cut.pth')), size
    assert not is_intact(str(tmp_path / 'missing.pth'))


def test_the_pointer_target_wins_when_intact(tmp_path):
    now = time.time()
    first = _save(tmp_path / 'epoch_1.pth', now - 20)
    _save(tmp_path / 'epoch_2.pth', now - 10)
    write_last_checkpoint(str(tmp_path), first)
    assert find_resumable_checkpoint(str(tmp_path)) == first


def test_broken_or_missing_targets_fall_back_to_the_newest_intact(tmp_path):
    now = time.time()
    first = _save(tmp_path / 'epoch_1.pth', now - 30)
    second = _save(tmp_path / 'epoch_2.pth', now - 20)
    _save(tmp_path / 'best_accuracy_top1_epoch_2.pth', now - 5)
    third = tmp_path / 'epoch_3.pth'
    third.write_bytes(open(second, 'rb').read()[:100])
    os.utime(third, (now - 10, now - 10))
    for pointer in (str(third), str(tmp_path / 'gone.pth'), ''):
        write_last_checkpoint(str(tmp_path), pointer)
        assert find_resumable_checkpoint(str(tmp_path)) == second
    os.remove(tmp_path / 'last_checkpoint')
    assert find_resumable_checkpoint(str(tmp_path)) == second
    os.remove(second)
    assert find_resumable_checkpoint(str(tmp_path)) == first


def test_an_empty_work_dir_has_nothing_to_resume(tmp_path):
    assert find_resumable_checkpoint(str(tmp_path)) is None
