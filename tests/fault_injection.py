# Copyright (c) zkd_mm contributors. All rights reserved.
"""Run a tool with a checkpoint save held open at a chosen moment.

``python -m tests.fault_injection tools/train.py ARGS...`` runs the tool
unchanged (so does any Python process started with
``tests/fault_injection_site`` on ``PYTHONPATH``, e.g. under srun), except:

- with ``ZKD_ITER_SLEEP=SECONDS``, every training iteration is followed by
  a pause, so that a test can signal a run in the middle of an epoch;
- the ``ZKD_FAULT_CALL``-th time (1-based) the code reaches the moment
  named by ``ZKD_FAULT_MOMENT`` it creates the file ``ZKD_FAULT_MARKER``
  and sleeps, so that a test can kill the process exactly there:

- ``mid_write``: half of a checkpoint's bytes are in the temporary file
  (``zkd_mm.fileio.atomic_local_backend._write_chunks``);
- ``before_removal``: the new checkpoint is complete and
  ``last_checkpoint`` points at it, the old ones are not deleted yet
  (``AtomicCheckpointHook._kept_paths``).

The real code runs before and after the pause; nothing is faked.
"""
import os
import runpy
import sys
import time

PAUSE_SECONDS = 600


def _pause_on_call(target: object, name: str, before=None) -> None:
    original = getattr(target, name)
    calls = {'n': 0}
    wanted = int(os.environ.get('ZKD_FAULT_CALL', '1'))

    def paused(*args, **kwargs):
        calls['n'] += 1
        if calls['n'] == wanted:
            if before is not None:
                before(*args, **kwargs)
            open(os.environ['ZKD_FAULT_MARKER'], 'w').close()
            time.sleep(PAUSE_SECONDS)
        return original(*args, **kwargs)

    setattr(target, name, paused)


def _write_half(file, data) -> None:
    file.write(data[:len(data) // 2])
    file.flush()
    os.fsync(file.fileno())


def _slow_iterations(seconds: float) -> None:
    from zkd_mm.engine.loops import ResumableEpochBasedTrainLoop
    original = ResumableEpochBasedTrainLoop.run_iter

    def run_iter(self, idx, data_batch):
        original(self, idx, data_batch)
        time.sleep(seconds)

    ResumableEpochBasedTrainLoop.run_iter = run_iter


def install() -> None:
    """Patch what the environment asks for (see the module docstring)."""
    import zkd_mm  # noqa: F401
    from zkd_mm.engine.hooks import AtomicCheckpointHook
    from zkd_mm.fileio import atomic_local_backend
    if os.environ.get('ZKD_ITER_SLEEP'):
        _slow_iterations(float(os.environ['ZKD_ITER_SLEEP']))
    moment = os.environ.get('ZKD_FAULT_MOMENT')
    if moment is None:
        return
    if moment == 'mid_write':
        _pause_on_call(atomic_local_backend, '_write_chunks', _write_half)
    elif moment == 'before_removal':
        _pause_on_call(AtomicCheckpointHook, '_kept_paths')
    else:
        raise ValueError(f'unknown ZKD_FAULT_MOMENT {moment!r}')


if __name__ == '__main__':
    install()
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name='__main__')
