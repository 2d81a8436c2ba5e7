# Copyright (c) zkd_mm contributors. All rights reserved.
"""Local files that are either wholly written or not changed at all.

mmengine's ``LocalBackend.put`` opens the destination and writes into it,
so a kill, a crash or a full disk during a checkpoint save leaves a
truncated file under the final name. :func:`atomic_write` writes to a
temporary file in the same folder, flushes and fsyncs it, renames it over
the destination (``os.replace`` is atomic on POSIX) and fsyncs the folder.
A failed write removes the temporary file, leaves the destination as it
was, and says so.
"""
import os
import os.path as osp
import tempfile
from typing import Union

from mmengine.fileio import LocalBackend, register_backend

# Checkpoints are written in chunks of this many bytes.
CHUNK_SIZE = 64 << 20
# ``backend_args`` that select this backend in mmengine's fileio API.
ATOMIC_BACKEND_ARGS = dict(backend='atomic_local')


def _write_chunks(file, data: memoryview) -> None:
    for start in range(0, len(data), CHUNK_SIZE):
        file.write(data[start:start + CHUNK_SIZE])


def _fsync_dir(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(data: Union[bytes, str],
                 filepath: str,
                 encoding: str = 'utf-8') -> None:
    """Write ``data`` to ``filepath`` atomically.

    Args:
        data (bytes | str): The content; ``str`` is encoded.
        filepath (str): The destination. Its folder is created if missing.
        encoding (str): The encoding of ``str`` data. Defaults to utf-8.

    Raises:
        OSError: If writing fails (e.g. ENOSPC), after removing the
            temporary file; ``filepath`` is unchanged.
    """
    if isinstance(data, str):
        data = data.encode(encoding)
    filepath = osp.abspath(filepath)
    folder, name = osp.split(filepath)
    os.makedirs(folder, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(prefix=f'.{name}.', suffix='.tmp',
                                    dir=folder)
    try:
        with os.fdopen(fd, 'wb') as file:
            _write_chunks(file, memoryview(data))
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, filepath)
    except BaseException as error:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
        if isinstance(error, OSError):
            raise OSError(
                error.errno,
                f'Could not write {filepath} ({error.strerror or error}); '
                'the partial file was removed and the destination was left '
                'as it was') from error
        raise
    _fsync_dir(folder)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """mmengine's ``LocalBackend`` whose writes are atomic.

    Select it with ``backend_args=dict(backend='atomic_local')``, e.g. in
    ``CheckpointHook``; ``AtomicCheckpointHook`` does so by default.
    """

    def put(self, obj: bytes, filepath: Union[str, os.PathLike]) -> None:
        """Write bytes to ``filepath`` atomically (see :func:`atomic_write`).
        """
        atomic_write(obj, os.fspath(filepath))

    def put_text(self,
                 obj: str,
                 filepath: Union[str, os.PathLike],
                 encoding: str = 'utf-8') -> None:
        """Write text to ``filepath`` atomically."""
        atomic_write(obj, os.fspath(filepath), encoding)
