# Copyright (c) zkd_mm contributors. All rights reserved.
"""``tools/benchmark/run.py`` on real tiny runs.

With the ``none`` launcher (2 configs and a broken one, seed 0) and
with the real local Slurm (one run of 2 tasks): every run trains, its last and best checkpoints are tested, a second
invocation skips what finished, an unfinished run resumes, and a failing
run is named in the summary with the tail of its log while the others
finish. ``gather.py`` then reads them all.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import fmnist_tool_runs as runs
from tests.subprocess_utils import REPO_ROOT
from tests.test_tools.tool_runner import free_port, tool_env

from zkd_mm.benchmark.results import find_runs  # isort: skip

CONFIGS = ['lenet5_1xb128_fashion-mnist-10k',  # a model name
           str(runs.CONFIG)]  # a path


def _tiny(data_root):
    return runs.options(data_root, 1) + [
        'train_dataloader.dataset.indices=64', 'val_dataloader.dataset.'
        'indices=-64', 'test_dataloader.dataset.indices=64',
        # The zoo configs' best checkpoint, which the fault tests turn off.
        'default_hooks.checkpoint.save_best=accuracy/top1'
    ]


def _bench(*args, env=None):
    return subprocess.run(
        [sys.executable, 'tools/benchmark/run.py', *args], cwd=REPO_ROOT,
        env=env or tool_env(), capture_output=True, text=True, timeout=1200)


def _state(work_dir: Path):
    return json.loads((work_dir / 'benchmark.json').read_text())


def test_none_launcher_runs_skips_resumes_and_survives_a_failure(
        fashion_mnist_root, tmp_path):
    broken = tmp_path / 'broken_1xb16_fashion-mnist.py'
    broken.write_text(f"_base_ = ['{runs.CONFIG}']\n"
                      "model = dict(teacher_ckpt='no/such/teacher.pth')\n")
    root = tmp_path / 'bench'
    args = [*CONFIGS, str(broken), '--seeds', '0', '--work-root',
            str(root), '--cfg-options', *_tiny(fashion_mnist_root)]
    result = _bench(*args)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out[-3000:]
    assert '2 done, 0 skipped, 1 failed' in out
    assert f'FAILED {root / broken.stem / "seed0"}:' in out
    assert 'no/such/teacher.pth' in out  # the tail of its log

    for name in ('lenet5_1xb128_fashion-mnist-10k', runs.CONFIG.stem):
        work = root / name / 'seed0'
        state = _state(work)
        assert state['status'] == 'done' and state['seed'] == 0
        assert 'randomness.seed=0' in state['commands']['train']
        # One epoch: the best checkpoint is the last, tested once.
        assert state['best_is_last'] is True
        assert sorted(state['commands']) == ['test_last', 'train']
        assert list((work / 'test_last').glob('*/*.json'))
    assert _state(root / broken.stem / 'seed0')['status'] == 'failed'

    # Again: the finished runs are skipped, the failed ones tried again.
    again = _bench(*args)
    assert '0 done, 2 skipped, 1 failed' in again.stdout

    # An unfinished run resumes from its checkpoint.
    work = root / runs.CONFIG.stem / 'seed0'
    state = _state(work)
    state['status'] = 'running'
    (work / 'benchmark.json').write_text(json.dumps(state))
    longer = _bench(runs.CONFIG.stem, '--seeds', '0', '--work-root',
                    str(root), '--cfg-options', *_tiny(fashion_mnist_root),
                    'train_cfg.max_epochs=2')
    assert '1 done, 0 skipped, 0 failed' in longer.stdout, longer.stderr
    log = (work / 'benchmark_train.log').read_text()
    assert '--resume' in _state(work)['commands']['train']
    assert 'resumed epoch: 1' in log

    results = {(r.model, r.seed): r for r in find_runs(str(root))}
    assert len(results) == 2
    resumed = results[(runs.CONFIG.stem, 0)]
    assert resumed.epochs == 2 and resumed.best_epoch in (1, 2)
    assert resumed.test_last is not None and resumed.test_best is not None


@pytest.mark.slurm
def test_slurm_launcher_two_tasks_per_run(slurm_cluster, fashion_mnist_root,
                                          tmp_path):
    env = tool_env({**slurm_cluster, 'CPUS_PER_TASK': '1',
                    'SRUN_ARGS': '--immediate=120',
                    'MASTER_PORT': str(free_port())})
    root = tmp_path / 'bench'
    result = _bench(str(runs.CONFIG), '--seeds', '0', '--work-root',
                    str(root), '--launcher', 'slurm', '--partition', 'debug',
                    '--gpus', '2', '--cfg-options',
                    *_tiny(fashion_mnist_root), env=env)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert '1 done, 0 skipped, 0 failed' in out
    results = find_runs(str(root))
    assert len(results) == 1
    for run in results:
        assert run.world_size == 2 and run.total_batch == 2 * runs.BATCH
        assert run.test_last is not None
        log = (Path(run.work_dir) / 'benchmark_train.log').read_text()
        assert 'srun -p debug' in log and '--ntasks=2' in log
        assert "'slurm' launch on CPU (backend gloo, rank 1/2" in log
