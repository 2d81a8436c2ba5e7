# Copyright (c) zkd_mm contributors. All rights reserved.
"""Find the checkpoint to resume from, skipping broken ones.

mmengine's ``--resume`` (auto) reads ``<work_dir>/last_checkpoint`` and
loads whatever it names. After a kill or a full disk during a save that
file could be missing, truncated or point at a missing or truncated
checkpoint, and the resume failed. :func:`find_resumable_checkpoint`
checks the target and otherwise falls back to the newest intact
checkpoint of the work dir.
"""
import glob
import os
import os.path as osp
import zipfile
from typing import Optional

from mmengine.logging import print_log

from zkd_mm.fileio import atomic_write

LAST_CHECKPOINT = 'last_checkpoint'
# Checkpoints without optimizer state are not resumable.
_NOT_RESUMABLE_PREFIX = 'best_'


def is_intact(path: str) -> bool:
    """Whether ``path`` is a complete torch checkpoint.

    torch saves zip archives; a complete one has its central directory and
    every member's CRC matches. Legacy (non-zip) files count as intact if
    they exist and are not empty.
    """
    if not osp.isfile(path) or osp.getsize(path) == 0:
        return False
    if not zipfile.is_zipfile(path):
        with open(path, 'rb') as file:
            return file.read(2) == b'\x80\x02'  # legacy pickle protocol 2
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError):
        return False


def write_last_checkpoint(work_dir: str, checkpoint: str) -> None:
    """Point ``<work_dir>/last_checkpoint`` at ``checkpoint`` atomically."""
    atomic_write(checkpoint, osp.join(work_dir, LAST_CHECKPOINT))


def _read_pointer(work_dir: str) -> Optional[str]:
    try:
        with open(osp.join(work_dir, LAST_CHECKPOINT)) as file:
            return file.read().strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def find_resumable_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint that ``--resume`` (auto) should load.

    The target of ``last_checkpoint`` if it is intact; else the newest
    intact ``*.pth`` of ``work_dir`` (by modification time, best-metric
    checkpoints excluded), with a warning naming what was skipped.

    Args:
        work_dir (str): The run's work directory.

    Returns:
        str | None: The checkpoint, or None if there is none to resume.
    """
    pointer = _read_pointer(work_dir)
    if pointer is not None and is_intact(pointer):
        return pointer
    candidates = sorted(
        (path for path in glob.glob(osp.join(work_dir, '*.pth'))
         if not osp.basename(path).startswith(_NOT_RESUMABLE_PREFIX)),
        key=os.path.getmtime,
        reverse=True)
    skipped = [path for path in candidates if not is_intact(path)]
    found = next((path for path in candidates if path not in skipped), None)
    if pointer is None and found is None and not skipped:
        return None
    problem = (f'last_checkpoint names {pointer}, which is missing or '
               'incomplete' if pointer else
               f'{osp.join(work_dir, LAST_CHECKPOINT)} is missing or empty')
    if skipped:
        problem += f'; skipped incomplete checkpoints {skipped}'
    outcome = (f'resuming from the newest intact checkpoint {found}'
               if found else 'found no intact checkpoint, so training '
               'starts from the beginning')
    print_log(f'--resume: {problem}; {outcome}.', logger='current',
              level=30)
    return found
