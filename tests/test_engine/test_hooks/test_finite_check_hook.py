# Copyright (c) zkd_mm contributors. All rights reserved.
"""NaN or inf in gradients or weights stops training in that very step.

Seen before: at lr 1e8 to 1e12 the checkpoint that ``last_checkpoint``
named had all student tensors non-finite, and the ``FloatingPointError``
came one iteration later. Here a real Fashion-MNIST run trains epoch 1 at
lr 0.1 and epoch 2 at lr 1e10: the run stops in the step of epoch 2 where the weights
overflow, with an error naming them, and every checkpoint it wrote is
finite.
"""
import math
import re

import pytest
import torch

from tests import fmnist_tool_runs as runs
from tests.test_tools.tool_runner import output_of

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.engine.hooks import FiniteCheckHook  # isort: skip
from zkd_mm.engine.hooks.finite_check_hook import nonfinite_names  # noqa


def test_exploding_lr_stops_in_the_step_and_saves_nothing_non_finite(
        fashion_mnist_root, tmp_path):
    work_dir = tmp_path / 'work'
    opts = runs.options(
        fashion_mnist_root, 3,
        extra=[
            'optim_wrapper.optimizer.lr=0.1',
            'param_scheduler.type=MultiStepLR',
            'param_scheduler.milestones=[1]', 'param_scheduler.gamma=1e11',
            'param_scheduler.convert_to_iter_based=False'
        ])
    result = runs.run(
        runs.train_cmd(work_dir, opts, '--allow-new-cfg-keys'))
    log = output_of(result)
    assert result.returncode != 0, log[-3000:]
    # The weights overflow a few steps into epoch 2 (iterations 9-16); the
    # check runs after every step, so the error names that very step.
    found = re.search(r'FloatingPointError: Iteration (\d+): \d+ parameters '
                      r'or buffers became NaN or infinite in this step: '
                      r'architecture\.\S+.* \(lr \[10000000000\.0\]\)',
                      log)
    assert found and 9 <= int(found.group(1)) <= 16, log[-3000:]
    checkpoints = sorted(work_dir.glob('*.pth'))
    assert [p.name for p in checkpoints] == ['epoch_1.pth']
    assert (work_dir / 'last_checkpoint').read_text().strip() == str(
        checkpoints[0])
    for path in checkpoints:
        state = runs.state_dict(path)
        assert nonfinite_names(state.items()) == []


def test_nonfinite_names_finds_every_bad_tensor():
    tensors = [('a', torch.ones(3)), ('b', torch.tensor([1.0, math.nan])),
               ('c', torch.tensor([math.inf])), ('i', torch.arange(3)),
               ('none', None), ('d', torch.full((2, ), 1e38))]
    assert nonfinite_names(tensors) == ['b', 'c']


class _Runner:
    iter = 6


def test_no_checkpoint_with_non_finite_weights_is_written():
    hook = FiniteCheckHook()
    hook.before_save_checkpoint(_Runner(), {'state_dict': {'w': torch.ones(2)}})
    with pytest.raises(FloatingPointError, match=r'Refusing to save a '
                       r'checkpoint at iteration 6: 1 tensors are NaN or '
                       r'infinite: w'):
        hook.before_save_checkpoint(
            _Runner(), {'state_dict': {'w': torch.tensor([math.nan])}})
