# Copyright (c) zkd_mm contributors. All rights reserved.
"""One non-finite check per iteration, naming the loss, side and samples.

Seen before: each zkd_mm loss checked its own value with ``.item()``, one
host-device synchronization per loss per step. Now the losses never look;
``FiniteCheckHook`` checks the gradients before the optimizer step (and
the logged losses after it), and its error says which losses are NaN or
infinite and which recorded logits caused it. A real mmengine Runner
trains a real MMRazor KD + Z-score algorithm here; the second batch has
one image that is NaN.
"""
import math

import pytest
import torch
from mmengine.runner import Runner
from torch.utils.data import DataLoader

from tests.tiny_distill import ZSCORE_KD_DISTILLER, batch, build_algorithm

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.engine.hooks import FiniteCheckHook  # isort: skip


def _batches(poisoned: int):
    batches = []
    for index in range(3):
        inputs, samples, _ = batch(size=4, seed=index)
        if index == poisoned:
            inputs[2] = math.nan  # one image of four
        batches.append(dict(inputs=inputs, data_samples=samples))
    return batches


def _runner(tmp_path, algorithm, batches):
    return Runner(
        model=algorithm,
        work_dir=str(tmp_path),
        train_dataloader=DataLoader(batches, batch_size=1,
                                    collate_fn=lambda items: items[0]),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        custom_hooks=[dict(type='mmrazor.FiniteCheckHook')],
        default_hooks=dict(checkpoint=None),
        log_level='WARNING')


def test_a_nan_image_stops_the_step_naming_losses_sides_and_samples(
        tmp_path):
    algorithm = build_algorithm(ZSCORE_KD_DISTILLER)
    runner = _runner(tmp_path, algorithm, _batches(poisoned=1))
    before = {k: v.detach().clone()
              for k, v in algorithm.student.named_parameters()}
    with pytest.raises(FloatingPointError) as error:
        runner.train()
    message = str(error.value)
    assert message.startswith('Iteration 2: the gradients of ')
    # The student trains: its BatchNorm spreads the NaN image over the
    # batch. The frozen teacher (eval mode) keeps it in its own sample.
    assert (' Non-finite losses: student.loss is nan; distill.loss_kl is '
            'nan: student preds_S (recorder fc) have 40 non-finite values '
            'in 4 of 4 samples; teacher preds_T (recorder fc) have 10 '
            'non-finite values in 1 of 4 samples. The optimizer step was '
            'not applied') in message
    assert runner.iter == 1
    # Iteration 1 trained; the poisoned step applied no update (the
    # forward itself still put the NaN into BatchNorm's running stats,
    # which no checkpoint can hold: test_finite_check_hook).
    after = dict(algorithm.student.named_parameters())
    assert all(torch.isfinite(p).all() for p in after.values())
    assert any(not torch.equal(before[k], after[k]) for k in before)


def test_a_nonfinite_logged_loss_without_gradient_is_refused(tmp_path):
    """A loss that reaches no parameter, e.g. of a frozen part only."""
    algorithm = build_algorithm(ZSCORE_KD_DISTILLER)
    runner = _runner(tmp_path, algorithm, _batches(poisoned=-1))
    hook = next(h for h in runner.hooks if isinstance(h, FiniteCheckHook))
    outputs = dict(loss=torch.tensor(math.inf),
                   **{'distill.loss_kl': torch.tensor(1.0)})
    with pytest.raises(FloatingPointError) as error:
        hook.after_train_iter(runner, 0, None, outputs)
    assert str(error.value) == (
        'Iteration 1: the losses loss are NaN or infinite. Non-finite '
        'losses: loss is inf. Check the learning rate, the loss weights, '
        'the teacher checkpoint and the input data.')
    hook.after_train_iter(runner, 0, None, dict(loss=torch.tensor(2.0)))
