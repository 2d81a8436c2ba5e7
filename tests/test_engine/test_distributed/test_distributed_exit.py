# Copyright (c) zkd_mm contributors. All rights reserved.
"""zkd_mm.engine.distributed.finish_distributed with two real gloo processes."""
import json
import subprocess
import sys
import textwrap

from tests.subprocess_utils import REPO_ROOT
from tests.test_tools.tool_runner import free_port, tool_env

# Rank 1 sleeps, then leaves a marker file before it finishes; rank 0
# finishes at once. Rank 0 can only see the marker after its own
# finish_distributed returns if that call waited for rank 1.
# The OS threads are counted (Linux /proc) before the group exists, while a
# DDP model and an all-gather use it, and after finish_distributed: the
# gloo workers and the store's thread must all have been joined, although
# a reference cycle still held the DDP model (and so the group) when
# finish_distributed was called.
TWO_RANKS = textwrap.dedent("""
    import json, os, sys, time
    from pathlib import Path
    import torch
    import torch.distributed as dist
    from zkd_mm.engine.distributed import finish_distributed

    def threads():
        return len(os.listdir('/proc/self/task'))

    def use_the_group(rank):
        model = torch.nn.parallel.DistributedDataParallel(
            torch.nn.Linear(4, 2))
        model(torch.ones(2, 4)).sum().backward()
        gathered = [torch.zeros(1), torch.zeros(1)]
        dist.all_gather(gathered, torch.tensor([rank + 1.0]))
        # Like a Runner and its hooks, a reference cycle holds the model,
        # so only the garbage collector frees it.
        cycle = dict(model=model)
        cycle['self'] = cycle
        return sum(gathered).item(), threads()

    rank = int(os.environ['RANK'])
    marker = Path(sys.argv[1])
    before = threads()
    dist.init_process_group('gloo', init_method='env://', rank=rank,
                            world_size=2)
    total, during = use_the_group(rank)
    if rank == 1:
        time.sleep(2)
        marker.write_text('rank 1 was here')
    first = finish_distributed()
    report = dict(rank=rank, total=total, first=first,
                  marker_seen=marker.exists(),
                  still_initialised=dist.is_initialized(),
                  threads=[before, during, threads()],
                  second=finish_distributed())
    print('REPORT', json.dumps(report), flush=True)
""")


def _run_two_ranks(marker):
    port = free_port()
    procs = [
        subprocess.Popen(
            [sys.executable, '-c', TWO_RANKS, str(marker)],
            cwd=REPO_ROOT,
            env=tool_env(
                dict(RANK=str(rank), WORLD_SIZE='2',
                     MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True) for rank in (0, 1)
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f'exit {proc.returncode}\n{out}\n{err}'
        line = next(x for x in out.splitlines() if x.startswith('REPORT '))
        reports.append(json.loads(line[len('REPORT '):]))
        assert 'All 2 ranks finished' in out + err
    return reports


def test_every_rank_waits_then_destroys_the_group(tmp_path):
    reports = _run_two_ranks(tmp_path / 'rank1_done')
    for rank, report in enumerate(reports):
        assert report['rank'] == rank
        assert report['total'] == 3.0  # the group really worked
        assert report['first'] is True
        assert report['still_initialised'] is False
        before, during, after = report['threads']
        assert during > before, report  # gloo's threads were running
        assert after <= before, report  # and none is left
        assert report['second'] is False  # nothing left to destroy
    # Rank 0 returned only after rank 1 had reached finish_distributed.
    assert reports[0]['marker_seen'] is True


def test_without_a_group_it_does_nothing():
    from zkd_mm.engine.distributed import finish_distributed
    assert finish_distributed() is False
