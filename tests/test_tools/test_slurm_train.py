# Copyright (c) zkd_mm contributors. All rights reserved.
"""tools/slurm_train.sh on a real single-node Slurm cluster, CPU only."""
import re
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Dict

import pytest

from tests.subprocess_utils import REPO_ROOT
from tests.test_tools.tool_runner import (assert_tool_ok, evidence_lines,
                                          free_port, run_tool, small_options,
                                          tool_env)

CLUSTER = REPO_ROOT / 'tests' / 'slurm_cluster'
PACKAGES_MISSING = 'up.sh: ERROR: apt-get install'


def _read_env_sh(path: Path) -> Dict[str, str]:
    """The ``export NAME=VALUE`` lines that up.sh writes, as a dict."""
    env = {}
    for line in path.read_text().splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == 'export' and '=' in words[1]:
            name, value = words[1].split('=', 1)
            env[name] = value
    return env


def _cluster_script(name: str, state: Path,
                    **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(['bash', str(CLUSTER / name)],
                          env=tool_env({'STATE': str(state), **env}),
                          capture_output=True,
                          text=True,
                          timeout=600)


@pytest.fixture(scope='session')
def slurm_cluster():
    """Bring up the test cluster in its own state dir; tear it down after.

    Skips only when the Slurm packages cannot be installed; any other
    bring-up failure fails the test. The state dir is not under pytest's
    private (0700) tmp tree: munged runs as user ``munge`` and must reach
    its socket and key there.
    """
    state = Path(tempfile.mkdtemp(prefix='zkd_mm_slurm_'))
    state.chmod(0o755)
    up = _cluster_script('up.sh', state)
    if up.returncode != 0:
        log = up.stdout + up.stderr
        _cluster_script('down.sh', state, PURGE='1')
        if PACKAGES_MISSING in log:
            pytest.skip(f'Slurm packages cannot be installed:\n{log[-2000:]}')
        pytest.fail(f'tests/slurm_cluster/up.sh failed:\n{log[-4000:]}')
    yield _read_env_sh(state / 'env.sh')
    down = _cluster_script('down.sh', state, PURGE='1')
    assert down.returncode == 0, down.stdout + down.stderr


def test_scontrol_gives_the_master_host(slurm_cluster, monkeypatch):
    from zkd_mm.engine.runner.cpu_distributed import _first_slurm_host
    monkeypatch.setenv('SLURM_CONF', slurm_cluster['SLURM_CONF'])
    assert _first_slurm_host('node[3-4],vm') == 'node3'


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
