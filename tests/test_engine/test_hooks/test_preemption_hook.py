# Copyright (c) zkd_mm contributors. All rights reserved.
"""A stop signal in the middle of an epoch costs nothing.

Real ``tools/train.py`` runs of the Fashion-MNIST KD + Z-score config
(8 iterations per epoch, slowed to 0.25 s per iteration so that the signal
lands in epoch 2):

- one process, SIGTERM, with and without a data loader worker: exit 75, a
  ``preempted_iter_N.pth`` checkpoint that ``last_checkpoint`` names; the
  ``--resume`` run continues inside the epoch and ends with exactly the
  weights of an uninterrupted run;
- two tasks on the real local Slurm: ``sbatch --requeue`` of a script that
  runs ``tools/slurm_train.sh`` with ``REQUEUE=1``; ``scancel --signal=USR1``
  stops both tasks, the script requeues the job, and the requeued job
  resumes by itself and ends with exactly the weights of an uninterrupted
  two-task run.

Before this hook, SIGTERM and SIGINT stopped training with no checkpoint
and no message.
"""
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests import fmnist_tool_runs as runs
from tests.test_tools.tool_runner import assert_tool_ok, free_port, tool_env

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.engine.resume import is_intact  # isort: skip

SITE = runs.REPO_ROOT / 'tests' / 'fault_injection_site'
STOPPED = re.compile(
    r'(SIG\w+) received: stopped after iteration (\d+) \(epoch (\d+), '
    r'batch (\d+)\) and saved (\S+preempted_iter_\d+\.pth)\. Resume with '
    r'--resume\.')


def _slow_env(extra=None):
    return tool_env({
        'ZKD_ITER_SLEEP': '0.25',
        'PYTHONPATH': f'{SITE}:{runs.REPO_ROOT}',
        **(extra or {})
    })


@pytest.fixture(scope='module')
def uninterrupted(fashion_mnist_root, tmp_path_factory):
    """``num_workers`` -> the final checkpoint of an uninterrupted run."""
    done = {}

    def final_checkpoint(num_workers: int) -> Path:
        if num_workers not in done:
            work_dir = tmp_path_factory.mktemp(f'reference{num_workers}')
            assert_tool_ok(
                runs.run(
                    runs.train_cmd(
                        work_dir,
                        runs.options(fashion_mnist_root, 3, num_workers))))
            done[num_workers] = work_dir / 'epoch_3.pth'
        return done[num_workers]

    return final_checkpoint


def _log_shows(log: Path, text: str):
    return lambda: log.exists() and text in log.read_text()


@pytest.mark.parametrize('num_workers', [0, 1])
def test_sigterm_mid_epoch_resumes_exactly(fashion_mnist_root, uninterrupted,
                                           num_workers, tmp_path):
    work_dir, log = tmp_path / 'work', tmp_path / 'train.log'
    opts = runs.options(fashion_mnist_root, 3, num_workers)
    process = runs.start(runs.train_cmd(work_dir, opts), log, _slow_env())
    runs.wait_for(_log_shows(log, 'Epoch(train) [2][2/8]'), 'epoch 2')
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 75, log.read_text()[-3000:]

    name, iteration, epoch, batch, path = STOPPED.search(
        log.read_text()).groups()
    assert (name, epoch) == ('SIGTERM', '2')
    assert int(iteration) == 8 + int(batch) and 2 <= int(batch) < 8
    assert Path(path) == work_dir / f'preempted_iter_{iteration}.pth'
    assert is_intact(path)
    assert (work_dir / 'last_checkpoint').read_text().strip() == path

    resumed = assert_tool_ok(
        runs.run(runs.train_cmd(work_dir, opts, '--resume')))
    assert f'resumed epoch: 1, iter: {iteration}' in resumed
    assert (f'Resuming inside epoch 2: skipping the {batch} batches '
            'trained before the checkpoint.') in resumed
    assert runs.differing_tensors(work_dir / 'epoch_3.pth',
                                  uninterrupted(num_workers)) == []
    # The next regular checkpoint made the preemption one redundant.
    assert not list(work_dir.glob('preempted_iter_*.pth'))

    if num_workers == 0:
        return
    # Persistent workers cannot be resumed exactly, and say so.
    more = assert_tool_ok(
        runs.run(
            runs.train_cmd(
                work_dir,
                runs.options(fashion_mnist_root, 4, 1,
                             ['train_dataloader.persistent_workers=True']),
                '--resume')))
    assert 'Resumed with persistent data loader workers' in more


def _job_state(job_id: str, env) -> str:
    out = subprocess.run(['scontrol', 'show', 'job', job_id], env=env,
                         capture_output=True, text=True).stdout
    match = re.search(r'JobState=(\w+)', out)
    restarts = re.search(r'Restarts=(\d+)', out)
    return f'{match.group(1) if match else "?"}/{restarts.group(1) if restarts else "?"}'


def _slurm_batch_script(path: Path, work_dir: Path, opts, port: int,
                        requeue: bool) -> Path:
    quoted = ' '.join(f"'{opt}'" for opt in opts)
    path.write_text(f"""#!/bin/bash
cd {runs.REPO_ROOT}
export MASTER_PORT={port}
GPUS=2 GPUS_PER_NODE=2 CPUS_PER_TASK=1 REQUEUE={int(requeue)} \\
  bash tools/slurm_train.sh debug zkdpre {runs.CONFIG} {work_dir} \\
  --cfg-options {quoted}
""")
    return path


def _sbatch(script: Path, log: Path, env) -> str:
    result = subprocess.run(
        ['sbatch', '--parsable', '--requeue', '-n2', '--cpus-per-task=1',
         '--open-mode=append', f'--output={log}', str(script)],
        env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip().split(';')[0]


def _wait_job(job_id: str, env, timeout: float = 600) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _job_state(job_id, env)
        if state.split('/')[0] in ('COMPLETED', 'FAILED', 'CANCELLED',
                                   'TIMEOUT', 'NODE_FAIL'):
            return state
        time.sleep(1)
    subprocess.run(['scancel', job_id], env=env)
    raise AssertionError(f'job {job_id} did not end: {_job_state(job_id, env)}')


@pytest.mark.slurm
def test_slurm_signal_requeues_and_resumes_exactly(slurm_cluster,
                                                   fashion_mnist_root,
                                                   tmp_path):
    env = _slow_env(slurm_cluster)
    fast = tool_env({'PYTHONPATH': str(runs.REPO_ROOT), **slurm_cluster})
    # Twice the images: each of the two tasks still gets 8 batches/epoch.
    opts = runs.options(
        fashion_mnist_root, 3,
        extra=[f'train_dataloader.dataset.indices={2 * runs.TRAIN_SIZE}'])
    # The uninterrupted two-task run.
    reference = tmp_path / 'reference'
    job = _sbatch(
        _slurm_batch_script(tmp_path / 'reference.sh', reference, opts,
                            free_port(), requeue=False),
        tmp_path / 'reference.log', fast)
    assert _wait_job(job, fast) == 'COMPLETED/0', (
        tmp_path / 'reference.log').read_text()[-4000:]

    work_dir, log = tmp_path / 'work', tmp_path / 'job.log'
    job = _sbatch(
        _slurm_batch_script(tmp_path / 'job.sh', work_dir, opts,
                            free_port(), requeue=True), log, env)
    runs.wait_for(_log_shows(log, 'Epoch(train) [2][2/8]'), 'epoch 2')
    subprocess.run(['scancel', '--signal=USR1', job], env=env, check=True)
    state = _wait_job(job, env)
    text = log.read_text()
    assert state == 'COMPLETED/1', text[-4000:]

    stops = STOPPED.findall(text)
    assert stops and all(stop[0] == 'SIGUSR1' for stop in stops), text
    iteration, batch = stops[0][1], stops[0][3]
    assert f'requeueing job {job}' in text
    assert f'resumed epoch: 1, iter: {iteration}' in text
    assert f'skipping the {batch} batches' in text
    assert 'All 2 ranks finished; rank 0 destroyed its process group.' in (
        text)
    assert runs.differing_tensors(work_dir / 'epoch_3.pth',
                                  reference / 'epoch_3.pth') == []
