# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CTKDCurriculumHook``: the lambda schedule, and a tiny real CTKD run."""
import math
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from tests.subprocess_utils import REPO_ROOT
from tests.test_configs.runner_utils import shrink
from tests.test_models.test_losses.test_ctkd_loss import reference_ctkd
from tests.tiny_distill import build_algorithm, fc_recorders

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.engine.hooks import (  # isort: skip
    CTKDCurriculumHook, cosine_curriculum)

CONFIG = (REPO_ROOT / 'configs' / 'imagenet' /
          'ctkd-zscore_resnet34_resnet18_8xb64_in1k.py')


def official_cosine_decay(epoch, max_value, min_value, num_loops):
    """``CosineDecay.get_value`` of the official train_student.py."""
    i = min(max(epoch, 0), num_loops)
    value = (math.cos(i * math.pi / num_loops) + 1.0) * 0.5
    return value * (max_value - min_value) + min_value


@pytest.mark.parametrize('loops', [10, 5, 1])
def test_schedule_is_the_official_cosine(loops):
    values = [cosine_curriculum(e, 0.0, -1.0, loops) for e in range(14)]
    assert values == [
        official_cosine_decay(e, 0.0, -1.0, loops) for e in range(14)
    ]
    assert values[0] == 0.0 and values[loops:] == [-1.0] * (14 - loops)
    assert all(b < a for a, b in zip(values[:loops], values[1:loops + 1]))


def test_schedule_values_at_given_epochs():
    hook = CTKDCurriculumHook()  # decay 0 -> -1 over 10 epochs
    assert hook.lambda_at(1) == pytest.approx(-0.0244717418524, abs=1e-12)
    assert hook.lambda_at(5) == pytest.approx(-0.5, abs=1e-15)
    assert hook.lambda_at(10) == -1.0 and hook.lambda_at(240) == -1.0
    assert CTKDCurriculumHook(decay_loops=5).lambda_at(1) == pytest.approx(
        -0.0954915028125, abs=1e-12)


class _FakeRunner:

    def __init__(self, model):
        self.model = model


def _kd_algorithm(loss):
    return build_algorithm(
        dict(
            type='ConfigurableDistiller',
            student_recorders=fc_recorders(),
            teacher_recorders=fc_recorders(),
            distill_losses=dict(loss_kl=loss),
            loss_forward_mappings=dict(
                loss_kl=dict(
                    preds_S=dict(from_student=True, recorder='fc'),
                    preds_T=dict(from_student=False, recorder='fc')))))


def test_errors():
    with pytest.raises(ValueError, match='decay_loops'):
        CTKDCurriculumHook(decay_loops=0)
    plain = _FakeRunner(
        _kd_algorithm(dict(type='ZScoreKLDivergence', tau=2.0)))
    with pytest.raises(TypeError, match="type='CTKDLoss'"):
        CTKDCurriculumHook()._losses(plain)
    with pytest.raises(KeyError, match='loss_x'):
        CTKDCurriculumHook(loss_names=['loss_x'])._losses(plain)
    with pytest.raises(TypeError, match='no learnable temperature'):
        CTKDCurriculumHook(loss_names=['loss_kl'])._losses(plain)
    with pytest.raises(TypeError, match='distiller'):
        CTKDCurriculumHook()._losses(_FakeRunner(torch.nn.Linear(2, 2)))


class _RecordIterations(Hook):
    """After each iteration: the logits and the step the optimizer took."""

    priority = 'LOW'

    def __init__(self) -> None:
        self.steps = []

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        distiller = runner.model.distiller
        loss = distiller.distill_losses.loss_kl
        record = [
            manager.get_recorder('fc').get_record_data().detach().double()
            for manager in (distiller.student_recorders,
                            distiller.teacher_recorders)
        ]
        self.steps.append(
            dict(
                student=record[0],
                teacher=record[1],
                lambda_=loss.temperature.lambda_,
                lr=runner.optim_wrapper.get_lr()['lr'][0],
                theta=loss.temperature.theta.item()))


def _temperature(theta):
    return 1.0 + 20.0 / (1.0 + math.exp(-theta))


def _replay_sgd(steps, weight, momentum, weight_decay):
    """theta's trajectory by momentum SGD on the float64 reference loss.

    The gradient reaching theta is lambda * weight * dL/dT * dT/dtheta,
    plus weight decay; returns theta before each step and dL/dT there.
    """
    theta, buffer, thetas, slopes = 1.0, None, [], []
    for step in steps:
        temperature = torch.tensor(
            _temperature(theta), dtype=torch.float64, requires_grad=True)
        reference_ctkd(step['student'], step['teacher'], temperature,
                       True).backward()
        slope = temperature.grad.item()
        sig = 1.0 / (1.0 + math.exp(-theta))
        grad = step['lambda_'] * weight * slope * 20.0 * sig * (1 - sig)
        grad += weight_decay * theta
        buffer = grad if buffer is None else momentum * buffer + grad
        thetas.append(theta)
        slopes.append(slope)
        theta -= step['lr'] * buffer
    return thetas + [theta], slopes


def test_tiny_ctkd_zscore_run_moves_the_temperature_as_predicted(
        tiny_imagenet, r34_teacher_ckpt, tmp_path):
    cfg = shrink(
        Config.fromfile(str(CONFIG)),
        tiny_imagenet,
        tmp_path,
        r34_teacher_ckpt,
        batch_size=2)
    cfg.train_dataloader.dataset.pipeline[1].scale = 32
    cfg.val_dataloader.dataset.pipeline[1].scale = 36
    cfg.val_dataloader.dataset.pipeline[2].crop_size = 32
    cfg.test_dataloader = cfg.val_dataloader
    cfg.train_cfg.max_epochs = 2
    cfg.train_cfg.val_interval = 10  # no validation: only training here
    cfg.log_level = 'INFO'
    # As train_one_epoch, with a recorder of every iteration.
    runner = Runner.from_cfg(cfg)
    recorder = _RecordIterations()
    runner.register_hook(recorder)
    runner.train()

    hub = runner.message_hub
    trace = hub.get_scalar('train/ctkd_temperature').data[0].tolist()
    lambdas = list(hub.get_scalar('train/ctkd_lambda').data[0])
    assert len(trace) == len(recorder.steps) == 8  # 2 epochs x 4 iterations
    assert lambdas == [pytest.approx(-0.0954915028), pytest.approx(-0.3454915)]
    assert [s['lambda_']
            for s in recorder.steps] == [lambdas[0]] * 4 + [lambdas[1]] * 4

    loss_cfg = cfg.model.distiller.distill_losses.loss_kl
    optimizer = cfg.optim_wrapper.optimizer
    thetas, slopes = _replay_sgd(recorder.steps, loss_cfg.loss_weight,
                                 optimizer.momentum, optimizer.weight_decay)
    predicted = [_temperature(theta) for theta in thetas]
    print('\niteration  lambda     T logged    T replayed  dL/dT')
    for i, (step, value) in enumerate(zip(recorder.steps, trace)):
        print(f'{i + 1:9d}  {step["lambda_"]:+.5f}  {value:.7f}  '
              f'{predicted[i]:.7f}  {slopes[i]:+.3e}')
    final = _temperature(recorder.steps[-1]['theta'])
    print(f'    final             {final:.7f}  {predicted[-1]:.7f}')

    assert trace[0] == pytest.approx(15.6212, abs=1e-4)
    # The logged temperatures follow the replayed SGD on theta.
    moves = [b - a for a, b in zip(trace, trace[1:])]
    replayed = [b - a for a, b in zip(predicted, predicted[1:-1])]
    assert all(abs(m) > 1e-6 for m in moves), moves
    for measured, expected, slope in zip(moves, replayed, slopes):
        # Where dL/dT is near 0 (the first step), it is a small difference
        # of large float32 sums in the run, and the replay (float64) can
        # differ by some 10 %; elsewhere it agrees to 2 %.
        rel = 0.02 if abs(slope) > 1e-3 else 0.2
        assert measured == pytest.approx(expected, rel=rel, abs=2e-6)
    # Gradient ascent on the loss through the reversal (lambda < 0): the
    # first step (no momentum yet) goes the way dL/dT says; weight decay
    # alone would lower T (theta towards 0).
    assert math.copysign(1, moves[0]) == math.copysign(1, slopes[0])
    # Standardized logits at T ~ 15.6 have dL/dT < 0 from iteration 2 on:
    # a higher T lowers T^2 * KL, so the adversarial T falls.
    assert all(slope < 0 for slope in slopes[1:])
    assert all(move < 0 for move in moves[1:]) and trace[-1] < trace[0]

    # The temperature is in every training log line.
    log = next(Path(runner.log_dir).glob('*.log')).read_text()
    lines = [line for line in log.splitlines() if 'Epoch(train)' in line]
    assert len(lines) == 8
    assert all('ctkd_temperature: ' in line for line in lines)
    assert 'ctkd_temperature: 15.6212' in lines[0]
