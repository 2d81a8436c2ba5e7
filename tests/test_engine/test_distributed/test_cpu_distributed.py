# Copyright (c) zkd_mm contributors. All rights reserved.
"""zkd_mm.engine.distributed.setup_distributed, one launcher at a time."""
import copy
import json

import pytest
import torch
from mmengine.config import Config

from tests.subprocess_utils import assert_ok, run_python
from tests.test_tools.tool_runner import free_port

# Each launcher initialises a 1-process gloo group in a fresh interpreter
# (a process group cannot be re-created with other settings reliably in
# pytest's own process), then reports what it set up.
SETUP_EACH_LAUNCHER = """
import json, os
import torch.distributed as dist
from mmengine.config import Config
from zkd_mm.engine.distributed import setup_distributed

PORT = {port}
CASES = dict(
    pytorch=(dict(RANK='0', WORLD_SIZE='1', LOCAL_RANK='0',
                  MASTER_ADDR='127.0.0.1', MASTER_PORT=str(PORT)),
             dict(env_cfg=dict(dist_cfg=dict(backend='nccl', timeout=60)),
                  find_unused_parameters=True)),
    slurm=(dict(SLURM_PROCID='0', SLURM_NTASKS='1', SLURM_LOCALID='0',
                SLURM_NODELIST='nodeA', MASTER_ADDR='127.0.0.1'),
           dict(env_cfg=dict(dist_cfg=dict(backend='nccl', port=PORT)),
                model_wrapper_cfg=dict(type='MMDistributedDataParallel',
                                       find_unused_parameters=True))),
    mpi=(dict(OMPI_COMM_WORLD_RANK='0', OMPI_COMM_WORLD_SIZE='1',
              OMPI_COMM_WORLD_LOCAL_RANK='0', MASTER_ADDR='127.0.0.1',
              MASTER_PORT=str(PORT)),
         dict()),
)
report = {{}}
for launcher, (env, cfg_dict) in CASES.items():
    for name in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_PORT'):
        os.environ.pop(name, None)
    os.environ.update(env)
    cfg = Config(cfg_dict)
    taken = setup_distributed(cfg, launcher)
    report[launcher] = dict(
        taken=taken, backend=dist.get_backend(),
        world=dist.get_world_size(), rank=dist.get_rank(),
        env={{k: os.environ.get(k) for k in
             ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_PORT')}},
        dist_cfg=cfg.env_cfg.dist_cfg.to_dict(),
        wrapper=cfg.model_wrapper_cfg.to_dict())
    dist.destroy_process_group()
print('REPORT', json.dumps(report))
"""


@pytest.fixture(scope='module')
def report():
    port = free_port()
    out = assert_ok(run_python(SETUP_EACH_LAUNCHER.format(port=port)))
    line = next(x for x in out.splitlines() if x.startswith('REPORT '))
    return port, json.loads(line[len('REPORT '):])


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only behaviour')
@pytest.mark.parametrize('launcher', ['pytorch', 'slurm', 'mpi'])
def test_each_launcher_gets_a_gloo_group(report, launcher):
    port, reports = report
    got = reports[launcher]
    assert got['taken'] is True
    assert (got['backend'], got['rank'], got['world']) == ('gloo', 0, 1)
    # As mmengine's init_dist sets them; its mpi path sets no LOCAL_RANK.
    assert got['env'] == dict(
        RANK='0', WORLD_SIZE='1',
        LOCAL_RANK=None if launcher == 'mpi' else '0',
        MASTER_PORT=str(port))
    assert got['dist_cfg']['backend'] == 'gloo'


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only behaviour')
def test_model_wrapper_has_no_device_ids(report):
    _, reports = report
    assert reports['pytorch']['wrapper'] == dict(
        type='MMDistributedDataParallel',
        device_ids=None,
        broadcast_buffers=False,
        find_unused_parameters=True)
    assert reports['mpi']['wrapper']['find_unused_parameters'] is False
    # A user's wrapper is kept; only the missing device_ids is added.
    assert reports['slurm']['wrapper'] == dict(
        type='MMDistributedDataParallel',
        find_unused_parameters=True,
        device_ids=None)


def test_single_process_changes_nothing():
    from zkd_mm.engine.distributed import setup_distributed
    cfg = Config(dict(env_cfg=dict(dist_cfg=dict(backend='nccl'))))
    before = copy.deepcopy(cfg.to_dict())
    assert setup_distributed(cfg, 'none') is False
    assert cfg.to_dict() == before


@pytest.mark.skipif(
    not torch.cuda.is_available(), reason='needs a CUDA device')
@pytest.mark.parametrize('launcher', ['pytorch', 'slurm', 'mpi'])
def test_gpu_machine_changes_nothing(launcher):
    from zkd_mm.engine.distributed import setup_distributed
    cfg = Config(dict(env_cfg=dict(dist_cfg=dict(backend='nccl'))))
    before = copy.deepcopy(cfg.to_dict())
    assert setup_distributed(cfg, launcher) is False
    assert cfg.to_dict() == before
    assert not torch.distributed.is_initialized()


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only behaviour')
def test_missing_launcher_variable_is_named(monkeypatch):
    from zkd_mm.engine.distributed import setup_distributed
    monkeypatch.delenv('SLURM_PROCID', raising=False)
    # mmengine's set_multi_processing sets these when unset; restored after.
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    monkeypatch.setenv('MKL_NUM_THREADS', '1')
    with pytest.raises(
            KeyError,
            match="The 'slurm' launcher needs the environment variable "
            'SLURM_PROCID, which is not set. Start the job with srun.'):
        setup_distributed(Config(), 'slurm')
    assert not torch.distributed.is_initialized()
