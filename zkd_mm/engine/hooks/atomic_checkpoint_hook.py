# Copyright (c) zkd_mm contributors. All rights reserved.
"""``AtomicCheckpointHook``: a save never leaves the run without a checkpoint.
"""
import glob
import os
import os.path as osp
import re
from contextlib import contextmanager
from typing import Iterator, List, Set

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmrazor.registry import HOOKS

from zkd_mm.fileio import ATOMIC_BACKEND_ARGS


class _DeferredRemovals:
    """A file backend whose ``remove``/``rmtree`` calls are only recorded."""

    def __init__(self, backend) -> None:
        self._backend = backend
        self.paths: List[str] = []

    def remove(self, path) -> None:
        self.paths.append(str(path))

    def rmtree(self, path) -> None:
        self.paths.append(str(path))

    def __getattr__(self, name: str):
        return getattr(self._backend, name)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` with atomic saves, old files kept last.

    mmengine's hook deletes the checkpoint that falls out of
    ``max_keep_ckpts`` (and the previous best one) *before* it writes the
    new one in place, and only then points ``last_checkpoint`` at it. A
    kill, a crash or a full disk in between left no loadable checkpoint.
    This hook keeps mmengine's behaviour and arguments, with two changes:

    - every checkpoint of a local ``out_dir`` is written atomically
      (``backend_args=dict(backend='atomic_local')``, see
      :class:`zkd_mm.fileio.AtomicLocalBackend`): to a temporary file in
      the same folder, fsynced, then renamed; a failed save removes its
      partial file and raises, naming the file;
    - old checkpoints are deleted only after the new one is complete and
      ``last_checkpoint`` points at it.

    Args:
        **kwargs: The arguments of mmengine's ``CheckpointHook``. An
            explicit ``backend_args`` (or ``file_client_args``) is kept.
    """

    def before_train(self, runner) -> None:
        """Choose the atomic backend for a local ``out_dir``, then set up."""
        out_dir = str(self.out_dir or runner.work_dir)
        if (self.backend_args is None and self.file_client_args is None
                and '://' not in out_dir):
            self.backend_args = dict(ATOMIC_BACKEND_ARGS)
        super().before_train(runner)
        if self.backend_args == ATOMIC_BACKEND_ARGS and is_main_process():
            self._remove_leftovers()

    def _remove_leftovers(self) -> None:
        """Delete what an interrupted save of this run left behind.

        Partial temporary files, and checkpoints older than those kept
        (``max_keep_ckpts``) that a kill stopped the run from deleting.
        """
        out_dir = str(self.out_dir)
        for path in glob.glob(osp.join(out_dir, '.*.pth.*.tmp')):
            os.remove(path)
        kept = getattr(self, 'keep_ckpt_ids', None)
        if self.max_keep_ckpts <= 0 or not kept:
            return
        pattern = re.compile(
            re.escape(self.filename_tmpl).replace(r'\{\}', r'(\d+)') + '$')
        for name in os.listdir(out_dir):
            match = pattern.match(name)
            if match and int(match.group(1)) < min(kept):
                os.remove(osp.join(out_dir, name))

    def _kept_paths(self) -> Set[str]:
        kept = {str(self.last_ckpt)} if self.last_ckpt else set()
        if getattr(self, 'best_ckpt_path', None):
            kept.add(str(self.best_ckpt_path))
        kept.update(str(p) for p in getattr(self, 'best_ckpt_path_dict',
                                            {}).values() if p)
        return kept

    @contextmanager
    def _removals_after_save(self) -> Iterator[None]:
        """Run a save with removals held back until it has succeeded."""
        backend = self.file_backend
        deferred = _DeferredRemovals(backend)
        self.file_backend = deferred
        try:
            yield
        finally:
            self.file_backend = backend
        if not deferred.paths or not is_main_process():
            return
        kept = self._kept_paths()
        for path in deferred.paths:
            if path in kept:
                continue
            if backend.isfile(path):
                backend.remove(path)
            elif backend.isdir(path):
                backend.rmtree(path)

    def after_train_epoch(self, runner) -> None:
        """Save as mmengine does; delete old checkpoints afterwards."""
        with self._removals_after_save():
            super().after_train_epoch(runner)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        """Save as mmengine does; delete old checkpoints afterwards."""
        with self._removals_after_save():
            super().after_train_iter(runner, batch_idx, data_batch, outputs)

    def after_val_epoch(self, runner, metrics) -> None:
        """Save the best checkpoint; delete the previous best afterwards."""
        with self._removals_after_save():
            super().after_val_epoch(runner, metrics)

