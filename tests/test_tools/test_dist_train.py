# Copyright (c) zkd_mm contributors. All rights reserved.
"""tools/dist_train.sh: 2 CPU processes (torchrun, gloo) train in sync."""
import re

from tests.test_tools.tool_runner import (assert_tool_ok, evidence_lines,
                                          free_port, run_tool, small_options,
                                          tool_env)

DIGEST = re.compile(r'replica digest rank (\d)/(\d): params (\w{64}) '
                    r'buffers (\w{64})')


def test_two_cpu_processes_train_identical_replicas(hook_config,
                                                    tiny_imagenet,
                                                    r34_teacher_ckpt,
                                                    tmp_path):
    work_dir = tmp_path / 'work'
    # 8 images, batch 4 per rank, 2 ranks, 2 epochs: 2 synced iterations.
    options = small_options(tiny_imagenet, r34_teacher_ckpt, max_epochs=2)
    result = run_tool(
        [
            'bash', 'tools/dist_train.sh',
            str(hook_config), '2', '--work-dir',
            str(work_dir), '--cfg-options', *options
        ],
        env=tool_env({'PORT': str(free_port())}))
    log = assert_tool_ok(result)
    print(*evidence_lines(log), sep='\n')  # shown by pytest -rP

    for rank in (0, 1):
        assert (f"initialised the 'pytorch' launch on CPU (backend gloo, "
                f'rank {rank}/2') in log
    assert 'Distributed launcher: pytorch' in log
    assert 'GPU number: 2' in log  # mmengine's name for the world size
    # The tool destroyed the group after every rank finished.
    assert 'All 2 ranks finished; rank 0 destroyed its process group.' in log
    assert 'Epoch(train) [2][1/1]' in log

    digests = DIGEST.findall(log)
    assert [(rank, world) for rank, world, _, _ in digests] == [('0', '2'),
                                                                ('1', '2')]
    (_, _, params_0, _), (_, _, params_1, _) = digests
    assert params_0 == params_1
    assert (work_dir / 'epoch_2.pth').exists()
