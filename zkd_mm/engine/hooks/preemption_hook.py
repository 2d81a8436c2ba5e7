# Copyright (c) zkd_mm contributors. All rights reserved.
"""``PreemptionHook``: a stop signal ends training with a resumable checkpoint.
"""
import glob
import os
import os.path as osp
import signal
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.dist import all_reduce, barrier, get_dist_info, is_main_process
from mmengine.hooks import Hook
from mmrazor.registry import HOOKS

from zkd_mm.engine.loops import record_mid_epoch_state
from zkd_mm.engine.resume import LAST_CHECKPOINT, write_last_checkpoint
from zkd_mm.fileio import ATOMIC_BACKEND_ARGS

# sysexits.h EX_TEMPFAIL: "a temporary failure; the user is invited to
# retry". tools/slurm_train.sh requeues a job that exits with it.
PREEMPTED_EXIT_CODE = 75
CHECKPOINT_TEMPLATE = 'preempted_iter_{}.pth'
DEFAULT_SIGNALS = ('SIGTERM', 'SIGINT', 'SIGUSR1')


class TrainingPreempted(SystemExit):
    """Training stopped on a signal after saving a resumable checkpoint."""

    def __init__(self, message: str) -> None:
        super().__init__(PREEMPTED_EXIT_CODE)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _signal_number(sig: Union[str, int]) -> int:
    if isinstance(sig, int):
        return sig
    name = sig.upper()
    name = name if name.startswith('SIG') else f'SIG{name}'
    try:
        return int(getattr(signal, name))
    except AttributeError:
        raise ValueError(f'PreemptionHook: unknown signal {sig!r}; use '
                         'names such as SIGTERM or USR1.') from None


@HOOKS.register_module()
class PreemptionHook(Hook):
    """Stop training on a signal, with a checkpoint to resume from.

    Slurm sends SIGTERM at preemption and at the time limit (and, with
    ``--signal=USR1@SECONDS``, SIGUSR1 that long before it); Ctrl-C sends
    SIGINT. On any of ``signals`` the current iteration finishes, then
    every rank stops at the same iteration (the ranks agree through one
    all-reduce per iteration), rank 0 writes
    ``preempted_iter_<N>.pth`` (model, optimizer, schedulers, message hub,
    every rank's RNG states and the position in the epoch) atomically into
    the work dir and points ``last_checkpoint`` at it, the stop is logged,
    and :class:`TrainingPreempted` ends the process with exit status
    :data:`PREEMPTED_EXIT_CODE` (75). ``--resume`` then continues from that
    iteration; with ``ResumableEpochBasedTrainLoop`` the result equals an
    uninterrupted run. The next regular checkpoint removes the preemption
    checkpoint. A second signal while the first is pending gets the
    signal's previous behaviour (a second Ctrl-C interrupts at once).

    Args:
        signals (Sequence[str | int]): The signals to handle. Defaults to
            SIGTERM, SIGINT and SIGUSR1.
    """

    priority = 'LOWEST'  # after the logger and the checkpoint hook

    def __init__(self,
                 signals: Sequence[Union[str, int]] = DEFAULT_SIGNALS) -> None:
        self.signals = [_signal_number(sig) for sig in signals]
        self._previous: Dict[int, object] = {}
        self._received: Optional[int] = None
        self._stale: List[str] = []

    def _handle(self, signum: int, frame) -> None:
        if self._received is not None:
            signal.signal(signum, self._previous.get(signum, signal.SIG_DFL))
            os.kill(os.getpid(), signum)
            return
        self._received = signum

    def before_train(self, runner) -> None:
        """Install the signal handlers; note old preemption checkpoints."""
        for signum in self.signals:
            self._previous[signum] = signal.signal(signum, self._handle)
        self._stale = glob.glob(
            osp.join(runner.work_dir, CHECKPOINT_TEMPLATE.format('*')))

    def after_train(self, runner) -> None:
        """Restore the previous signal handlers."""
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def _stop_requested(self) -> Optional[int]:
        """The signal received by any rank (all ranks agree), or None."""
        _, world_size = get_dist_info()
        if world_size == 1:
            return self._received
        flag = torch.tensor([self._received or 0], dtype=torch.int64)
        all_reduce(flag, op='max')
        return int(flag.item()) or None

    def _remove_stale(self, runner) -> None:
        """Delete preemption checkpoints once a newer checkpoint exists."""
        if not self._stale or not is_main_process():
            return
        try:
            with open(osp.join(runner.work_dir, LAST_CHECKPOINT)) as file:
                current = file.read().strip()
        except OSError:
            return
        if current in self._stale:
            return
        for path in self._stale:
            if osp.isfile(path):
                os.remove(path)
        self._stale = []

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        """Save and stop if a rank received a signal."""
        self._remove_stale(runner)
        signum = self._stop_requested()
        if signum is None:
            return
        name = signal.Signals(signum).name
        record_mid_epoch_state(runner, batch_idx + 1)
        filename = CHECKPOINT_TEMPLATE.format(runner.iter + 1)
        path = osp.join(runner.work_dir, filename)
        runner.save_checkpoint(
            runner.work_dir,
            filename,
            by_epoch=False,
            backend_args=dict(ATOMIC_BACKEND_ARGS))
        barrier()
        if is_main_process():
            write_last_checkpoint(runner.work_dir, path)
        barrier()
        message = (f'{name} received: stopped after iteration '
                   f'{runner.iter + 1} (epoch {runner.epoch + 1}, batch '
                   f'{batch_idx + 1}) and saved {path}. Resume with '
                   '--resume.')
        runner.logger.warning(message)
        raise TrainingPreempted(message)

    def after_train_epoch(self, runner) -> None:
        """Delete preemption checkpoints once a newer checkpoint exists."""
        self._remove_stale(runner)
