# Copyright (c) zkd_mm contributors. All rights reserved.
"""tools/slurm_train.sh on a real single-node Slurm cluster, CPU only."""
import re

import pytest

from tests.subprocess_utils import assert_ok, run_python
from tests.test_tools.tool_runner import (assert_tool_ok, evidence_lines,
                                          free_port, run_tool, small_options,
                                          tool_env)

pytestmark = pytest.mark.slurm


def test_master_host_comes_from_scontrol(slurm_cluster):
    # No MASTER_ADDR: mmengine's init_dist asks scontrol for the first host
    # of the node list, and the CPU launch goes through it.
    code = """
import os
import torch.distributed as dist
from mmengine.config import Config
from zkd_mm.engine.distributed import setup_distributed
os.environ.pop('MASTER_ADDR', None)
assert setup_distributed(Config(), 'slurm')
print('HOST', os.environ['MASTER_ADDR'], dist.get_backend(),
      dist.get_world_size())
dist.destroy_process_group()
"""
    env = {
        **slurm_cluster, 'SLURM_PROCID': '0', 'SLURM_NTASKS': '1',
        'SLURM_LOCALID': '0', 'SLURM_NODELIST': 'localhost,node[3-4]',
        'MASTER_PORT': str(free_port())
    }
    result = run_python(code, env=env)
    out = assert_ok(result)
    assert 'HOST localhost gloo 1' in out.splitlines()


def test_slurm_train_two_cpu_tasks(slurm_cluster, hook_config,
                                   tiny_imagenet, r34_teacher_ckpt,
                                   tmp_path):
    work_dir = tmp_path / 'work'
    env = tool_env({
        **slurm_cluster,
        # GRES unset: the script sees the partition has no GPU GRES.
        'GPUS': '2',
        'GPUS_PER_NODE': '2',
        'CPUS_PER_TASK': '1',
        'SRUN_ARGS': '--immediate=60',
        'MASTER_PORT': str(free_port()),
    })
    options = small_options(tiny_imagenet, r34_teacher_ckpt)
    result = run_tool([
        'timeout', '600', 'bash', 'tools/slurm_train.sh', 'debug', 'zkdci',
        str(hook_config),
        str(work_dir), '--cfg-options', *options
    ],
                      env=env,
                      timeout=660)
    log = assert_tool_ok(result)
    print(*evidence_lines(log), sep='\n')  # shown by pytest -rP

    srun = next(line for line in result.stderr.splitlines()
                if line.startswith('+ srun '))
    assert '--ntasks=2 --ntasks-per-node=2 --cpus-per-task=1' in srun
    assert '--gres' not in srun
    for rank in (0, 1):
        assert (f"initialised the 'slurm' launch on CPU (backend gloo, "
                f'rank {rank}/2') in log
    assert 'Distributed launcher: slurm' in log
    assert 'GPU number: 2' in log  # mmengine's name for the world size
    # The tool destroyed the group after every rank finished.
    assert 'All 2 ranks finished; rank 0 destroyed its process group.' in log
    digests = re.findall(r'replica digest rank (\d/\d): params (\w{64})',
                         log)
    assert [rank for rank, _ in digests] == ['0/2', '1/2']
    assert digests[0][1] == digests[1][1]
    assert (work_dir / 'epoch_1.pth').exists()
