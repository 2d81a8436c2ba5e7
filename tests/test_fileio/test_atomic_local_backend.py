# Copyright (c) zkd_mm contributors. All rights reserved.
"""Atomic local writes: whole new content, or the old file untouched."""
import os
import stat
import subprocess
import uuid

import pytest
from mmengine.fileio import get_file_backend

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.fileio import (ATOMIC_BACKEND_ARGS,  # isort: skip
                           AtomicLocalBackend, atomic_write)


def test_backend_is_registered_and_writes(tmp_path):
    backend = get_file_backend(str(tmp_path), backend_args=ATOMIC_BACKEND_ARGS)
    assert isinstance(backend, AtomicLocalBackend)
    target = tmp_path / 'sub' / 'a.pth'
    backend.put(b'x' * 1000, target)
    assert target.read_bytes() == b'x' * 1000
    backend.put_text('second', target)
    assert target.read_text() == 'second'
    assert sorted(p.name for p in target.parent.iterdir()) == ['a.pth']
    # The same permissions as a file that open() creates.
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_a_failed_write_leaves_the_old_file(tmp_path):
    disk = tmp_path / f'disk-{uuid.uuid4().hex[:8]}'
    disk.mkdir()
    mounted = subprocess.run(
        ['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', str(disk)],
        capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f'cannot mount a tmpfs (needs root): {mounted.stderr}')
    try:
        target = disk / 'epoch_1.pth'
        atomic_write(b'old' * 1000, str(target))
        with pytest.raises(OSError) as error:
            atomic_write(b'n' * (2 << 20), str(target))
        assert str(error.value) == (
            f'[Errno 28] Could not write {target} (No space left on '
            'device); the partial file was removed and the destination was '
            'left as it was')
        assert target.read_bytes() == b'old' * 1000
        assert sorted(p.name for p in disk.iterdir()) == ['epoch_1.pth']
    finally:
        subprocess.run(['umount', str(disk)], check=False)
