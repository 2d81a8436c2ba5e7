# Copyright (c) zkd_mm contributors. All rights reserved.
"""zkd_mm.compat.mmengine_test_json: one process writes the test JSON."""
import inspect
import json
import subprocess
import sys
import textwrap

from mmengine.hooks import logger_hook

from tests.subprocess_utils import REPO_ROOT, assert_ok, run_python
from tests.test_tools.tool_runner import free_port
from zkd_mm.compat.mmengine_test_json import CHECKED_ON

# Two gloo ranks dump different metrics to one path, rank 1 after rank 0,
# as LoggerHook.after_test_epoch does on every rank.
TWO_RANKS_DUMP = """
import os, sys
import torch.distributed as dist
import zkd_mm  # noqa: F401
from mmengine.hooks import logger_hook
rank = int(sys.argv[1])
dist.init_process_group('gloo', rank=rank, world_size=2,
                        init_method='tcp://127.0.0.1:{port}')
path = sys.argv[2]
if rank == 0:
    logger_hook.dump({{'accuracy/top1': 28.125, 'time': 0.00809621810913}},
                     path)
dist.barrier()
if rank == 1:
    logger_hook.dump({{'accuracy/top1': 28.125, 'time': 0.0081}}, path)
dist.barrier()
dist.destroy_process_group()
"""


def test_mmengine_still_dumps_the_test_json_on_every_rank():
    # The reason for the fix; when this fails, re-check it.
    source = inspect.getsource(logger_hook.LoggerHook.after_test_epoch)
    assert 'dump(' in source and 'rank' not in source, (
        f'LoggerHook.after_test_epoch changed; the fix was checked on '
        f'{CHECKED_ON}')


def test_only_the_main_process_writes(tmp_path):
    script = tmp_path / 'dump.py'
    script.write_text(textwrap.dedent(TWO_RANKS_DUMP.format(
        port=free_port())))
    path = tmp_path / 'metrics.json'
    procs = [
        subprocess.Popen([sys.executable, str(script), str(rank), str(path)],
                         cwd=REPO_ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
        for rank in (0, 1)
    ]
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, out[-3000:]
    assert json.loads(path.read_text()) == {
        'accuracy/top1': 28.125, 'time': 0.00809621810913}


def test_a_single_process_still_writes(tmp_path):
    path = tmp_path / 'metrics.json'
    assert_ok(run_python(f"""
        import zkd_mm  # noqa: F401
        from mmengine.hooks import logger_hook
        logger_hook.dump({{'accuracy/top1': 1.0}}, {str(path)!r})
        """))
    assert json.loads(path.read_text()) == {'accuracy/top1': 1.0}
