# Copyright (c) zkd_mm contributors. All rights reserved.
"""The test ReplicaConsistencyHook on real mmengine Runners, 1 and 2 ranks."""
import sys

import zkd_mm  # noqa: F401  isort: skip
from mmengine.registry import HOOKS as MMENGINE_HOOKS

from tests.replica_consistency_hook import ReplicaConsistencyHook
from tests.subprocess_utils import REPO_ROOT, assert_ok, run_python
from tests.test_tools.tool_runner import (assert_tool_ok, free_port, output_of,
                                          run_tool, tool_env)
from tests.toy_runner import toy_runner

# Two torchrun ranks train the toy regressor under DDP (gloo), first as
# is, then with a hook that, after training and before the check, shifts
# one parameter on rank 1 only.
TWO_RANKS = """
import sys
import torch
from mmengine.hooks import Hook
from tests.replica_consistency_hook import ReplicaConsistencyHook
from tests.toy_runner import toy_runner
from zkd_mm.engine.distributed import init_cpu_dist


class ShiftBiasOnRank1(Hook):
    priority = 'NORMAL'  # before the check, which is VERY_LOW

    def after_train(self, runner):
        if runner.rank == 1:
            with torch.no_grad():
                runner.model.module.linear.bias.add_(1.0)


init_cpu_dist('pytorch', backend='gloo')
rank = torch.distributed.get_rank()
for case in ('same', 'diverged'):
    hooks = [ReplicaConsistencyHook()]
    if case == 'diverged':
        hooks.append(ShiftBiasOnRank1())
    runner = toy_runner(
        sys.argv[1] + '/' + case,
        launcher='pytorch',
        experiment_name=case,
        custom_hooks=hooks,
        env_cfg=dict(dist_cfg=dict(backend='gloo')),
        cfg=dict(model_wrapper_cfg=dict(
            type='MMDistributedDataParallel', device_ids=None)))
    try:
        runner.train()
        print(f'CASE {case} rank {rank}: ok', flush=True)
    except RuntimeError as error:
        print(f'CASE {case} rank {rank}: RuntimeError {error}', flush=True)
"""


def test_registered_in_mmrazor_hooks():
    from mmrazor.registry import HOOKS
    assert HOOKS.get('ReplicaConsistencyHook') is ReplicaConsistencyHook
    assert MMENGINE_HOOKS.get(
        'mmrazor.ReplicaConsistencyHook') is ReplicaConsistencyHook


def test_not_shipped_with_zkd_mm():
    # The package registers no such hook; only this test module does.
    out = assert_ok(
        run_python("""
        import zkd_mm
        from mmrazor.registry import HOOKS
        print('BEFORE', HOOKS.get('ReplicaConsistencyHook'))
        import tests.replica_consistency_hook as module
        print('AFTER', HOOKS.get('ReplicaConsistencyHook')
              is module.ReplicaConsistencyHook)
        """))
    assert 'BEFORE None' in out
    assert 'AFTER True' in out


def test_single_process_logs_rank_0_of_1(tmp_path):
    runner = toy_runner(
        str(tmp_path), custom_hooks=[ReplicaConsistencyHook()])
    runner.train()
    log = next(tmp_path.glob('*/*.log')).read_text()
    assert 'replica digest rank 0/1: params ' in log
    assert 'replica digest rank 1/' not in log


def test_two_ranks_pass_when_equal_and_fail_when_diverged(tmp_path):
    script = tmp_path / 'two_ranks.py'
    script.write_text(TWO_RANKS)
    result = run_tool([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
        f'--master_port={free_port()}',
        str(script),
        str(tmp_path)
    ],
                      env=tool_env({'PYTHONPATH': str(REPO_ROOT)}))
    log = output_of(result)
    for rank in (0, 1):
        assert f'CASE same rank {rank}: ok' in log
        assert (f'CASE diverged rank {rank}: RuntimeError Model replicas '
                'diverged: the parameters of ranks [1] differ') in log
    assert 'replica digest rank 1/2' in log
    assert_tool_ok(result)  # both ranks caught the error and exited 0
