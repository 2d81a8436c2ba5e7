# Copyright (c) zkd_mm contributors. All rights reserved.
"""1 epoch + ``--resume`` ends with exactly the weights of 2 epochs."""
import zkd_mm  # noqa: F401  isort: skip  (loads Runner checkpoints)
import torch

from tests.test_tools.tool_runner import assert_tool_ok, python_tool, run_tool


def _train(config, work_dir, options, *extra):
    return assert_tool_ok(
        run_tool(
            python_tool('train.py', str(config), '--work-dir',
                        str(work_dir), *extra, '--cfg-options', *options)))


def test_resume_reproduces_an_uninterrupted_run(two_epoch_run, resume_config,
                                                resume_options, tmp_path):
    # See conftest.RESUME_CONFIG_BODY for why this is deterministic.
    _train(resume_config, tmp_path, resume_options(1))
    assert not (tmp_path / 'epoch_2.pth').exists()
    log = _train(resume_config, tmp_path, resume_options(2), '--resume')
    assert '--resume: resuming from' in log
    assert 'resumed epoch: 1, iter: 2' in log
    assert 'Epoch(train) [1]' not in log  # epoch 1 was not trained again

    expected = torch.load(two_epoch_run / 'epoch_2.pth')['state_dict']
    resumed = torch.load(tmp_path / 'epoch_2.pth')['state_dict']
    assert list(resumed) == list(expected)
    assert any(key.startswith('architecture.') for key in expected)
    differing = [
        key for key in expected if not torch.equal(expected[key],
                                                   resumed[key])
    ]
    assert differing == []
    print(f'resume: all {len(expected)} state_dict tensors of epoch_2.pth '
          'equal the uninterrupted run\'s')  # shown by pytest -rP
