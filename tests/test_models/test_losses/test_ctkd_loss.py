# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CTKDLoss``: KD at a learnable temperature trained to raise the loss."""
import math

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmrazor.registry import MODELS

import zkd_mm  # noqa: F401  (registers the loss)
from tests.tiny_distill import build_algorithm, fc_recorders
from zkd_mm.models.losses import CTKDLoss


def reference_ctkd(student: torch.Tensor,
                   teacher: torch.Tensor,
                   temperature: torch.Tensor,
                   standardize: bool,
                   eps: float = 1e-7) -> torch.Tensor:
    """``T^2 * batchmean KL(softmax(t / T) || softmax(s / T))``, float64.

    Written from the formula of the official ``DistillKL_logit_stand``
    (``standardize=True``: each row minus its mean, over its unbiased std
    plus eps) and ``DistillKL`` (``standardize=False``).
    """
    s, t = student.double(), teacher.double()
    if standardize:
        k = s.shape[1]
        rows = []
        for x in (s, t):
            mean = x.sum(1, keepdim=True) / k
            std = (((x - mean)**2).sum(1, keepdim=True) / (k - 1)).sqrt()
            rows.append((x - mean) / (std + eps))
        s, t = rows
    a, b = s / temperature, t / temperature
    log_q = a - a.exp().sum(1, keepdim=True).log()
    log_p = b - b.exp().sum(1, keepdim=True).log()
    kl = (log_p.exp() * (log_p - log_q)).sum()
    return temperature**2 * kl / s.shape[0]


def _temperature(theta: float, t_start: float = 1.0, t_end: float = 20.0):
    return t_start + t_end / (1 + math.exp(-theta))


def _f64(value: float) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64)


def _random_logits(n=8, k=100, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(n, k, generator=gen) * 3,
            torch.randn(n, k, generator=gen) * 5 + 1)


def _confident_logits(n=16, k=100, seed=0):
    """A confident teacher (target logit +8) and a student near it."""
    gen = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, k, (n, ), generator=gen)
    teacher = torch.randn(n, k, generator=gen)
    teacher[torch.arange(n), labels] += 8
    return teacher + torch.randn(n, k, generator=gen), teacher


@pytest.mark.parametrize('standardize', [True, False])
@pytest.mark.parametrize('theta', [1.0, -1.5])
def test_equals_the_float64_reference(standardize, theta):
    student, teacher = _random_logits()
    student.requires_grad_(True)
    loss_fn = CTKDLoss(
        standardize=standardize,
        init_theta=theta,
        loss_weight=9.0,
        grl_lambda=1.0)
    loss = loss_fn(student, teacher)
    loss.backward()

    ref_student = student.detach().double().requires_grad_(True)
    ref_t = torch.tensor(
        _temperature(theta), dtype=torch.float64, requires_grad=True)
    expected = 9.0 * reference_ctkd(ref_student, teacher, ref_t, standardize)
    expected.backward()
    assert loss.dtype == torch.float32 and loss.dim() == 0
    # float32 KL of near-uniform distributions (T = 15.6): ~1e-5 relative.
    torch.testing.assert_close(loss.double(), expected, rtol=5e-5, atol=0)
    # float32 vs float64: compare the gradient as a whole.
    error = (student.grad.double() - ref_student.grad).norm()
    assert error / ref_student.grad.norm() < 1e-5
    # d loss / d theta = d loss / dT * t_end * sigmoid'(theta), lambda 1.
    # In float32, 2T * KL and T^2 * dKL/dT nearly cancel: 1e-3 to 1e-2
    # relative, depending on the CPU's summation order (5.3e-3 seen).
    sig = 1 / (1 + math.exp(-theta))
    expected_theta = ref_t.grad.item() * 20 * sig * (1 - sig)
    assert loss_fn.temperature.theta.grad.item() == pytest.approx(
        expected_theta, rel=2e-2)
    # In float64 it is exact.
    loss_fn.double().zero_grad()
    loss_fn(student.detach().double(), teacher.double()).backward()
    assert loss_fn.temperature.theta.grad.item() == pytest.approx(
        expected_theta, rel=1e-9)
    assert loss_fn.last_temperature.item() == pytest.approx(
        _temperature(theta), rel=1e-6)


def test_float64_and_dense_inputs():
    student, teacher = _random_logits()
    loss = CTKDLoss(standardize=True).double()(student.double(),
                                               teacher.double())
    expected = reference_ctkd(student, teacher, _f64(_temperature(1.0)), True)
    assert loss.dtype == torch.float64
    torch.testing.assert_close(loss, expected, rtol=1e-12, atol=0)
    # (N, C, H, W): standardized over C, KL summed over C, H, W.
    dense_s = torch.randn(2, 10, 3, 4)
    dense_t = torch.randn(2, 10, 3, 4)
    flat = [x.permute(0, 2, 3, 1).reshape(-1, 10) for x in (dense_s, dense_t)]
    expected = reference_ctkd(*flat, _f64(_temperature(1.0)), True) * 12
    torch.testing.assert_close(
        CTKDLoss(standardize=True)(dense_s, dense_t).double(),
        expected,
        rtol=5e-5,
        atol=0)


def test_standardized_variant_is_invariant_to_per_sample_affine_maps():
    student, teacher = _random_logits(n=6, k=50, seed=1)
    gen = torch.Generator().manual_seed(2)
    scale_s, scale_t = (
        torch.rand(6, 1, generator=gen) * 5 + 0.1 for _ in range(2))
    shift_s, shift_t = (
        torch.randn(6, 1, generator=gen) * 10 for _ in range(2))
    moved = (student * scale_s + shift_s, teacher * scale_t + shift_t)
    standardized = CTKDLoss(standardize=True)
    torch.testing.assert_close(
        standardized(*moved),
        standardized(student, teacher),
        rtol=1e-5,
        atol=0)
    # The flag is not inverted (upstream issue #15): raw logits are not
    # invariant.
    raw = CTKDLoss(standardize=False)
    assert not torch.allclose(raw(*moved), raw(student, teacher), rtol=1e-2)


@pytest.mark.parametrize('standardize', [True, False])
@pytest.mark.parametrize('logits', [_random_logits, _confident_logits])
@pytest.mark.parametrize('lambda_', [-1.0, -0.02447])
def test_reversed_gradient_moves_the_temperature_to_raise_the_loss(
        standardize, logits, lambda_):
    student, teacher = (x.double() for x in logits())
    loss_fn = CTKDLoss(
        standardize=standardize, loss_weight=9.0, grl_lambda=lambda_).double()
    before = loss_fn(student, teacher)
    before.backward()
    # Which way raises the loss: the sign of dL/dT, by central differences
    # of the float64 reference.
    t0, h = _temperature(1.0), 1e-4
    slope = (
        reference_ctkd(student, teacher, _f64(t0 + h), standardize) -
        reference_ctkd(student, teacher, _f64(t0 - h), standardize)).item()
    assert abs(slope) > 1e-9
    # lambda < 0: theta's gradient is minus dL/dtheta, and dT/dtheta > 0.
    assert math.copysign(
        1, loss_fn.temperature.theta.grad.item()) == (-math.copysign(1, slope))
    # A small plain SGD step: the optimizer minimizes, the GRL reverses.
    torch.optim.SGD(loss_fn.parameters(), lr=1e-3).step()
    after = loss_fn(student, teacher)
    assert math.copysign(1,
                         loss_fn.last_temperature.item() - t0) == (
                             math.copysign(1, slope))
    assert after.item() > before.item()


def test_confident_standardized_logits_drive_the_temperature_down():
    """With a confident teacher the adversarial T falls from 15.62 to the
    maximizer of T^2 * KL, as in the paper's CTKD + Z-score logs (T ~ 2)."""
    student, teacher = (x.double() for x in _confident_logits())
    loss_fn = CTKDLoss(standardize=True, grl_lambda=-1.0).double()
    optimizer = torch.optim.SGD(loss_fn.parameters(), lr=5.0)
    trace = []
    for _ in range(300):
        optimizer.zero_grad()
        loss_fn(student, teacher).backward()
        optimizer.step()
        trace.append(loss_fn.last_temperature.item())
    grid = torch.linspace(1.01, 20.96, 400, dtype=torch.float64)
    values = torch.stack(
        [reference_ctkd(student, teacher, t, True) for t in grid])
    best = grid[values.argmax()].item()
    assert trace[0] == pytest.approx(15.6212, abs=1e-4)
    assert all(b <= a + 1e-12 for a, b in zip(trace, trace[1:]))
    assert best < 3 and loss_fn.temperature().item() == pytest.approx(
        best, abs=0.05)


def test_teacher_gets_no_gradient_and_low_precision_is_upcast():
    student, teacher = _random_logits()
    teacher = teacher.bfloat16().requires_grad_(True)
    loss = CTKDLoss(standardize=True)(student.bfloat16(), teacher)
    loss.backward()
    assert loss.dtype == torch.float32 and teacher.grad is None


def test_errors():
    with pytest.raises(ValueError, match='t_start'):
        CTKDLoss(t_start=0.0)
    with pytest.raises(ValueError, match='shape'):
        CTKDLoss()(torch.randn(2, 5), torch.randn(2, 6))
    bad = torch.randn(2, 5)
    bad[0, 0] = float('nan')
    assert torch.isnan(CTKDLoss()(bad, torch.randn(2, 5)))


def test_registered_and_built_from_a_config():
    with DefaultScope.overwrite_default_scope('mmrazor'):
        loss = MODELS.build(
            dict(
                type='CTKDLoss',
                standardize=True,
                t_start=2.0,
                t_end=30.0,
                loss_weight=9.0))
    assert isinstance(loss, CTKDLoss) and loss.standardize
    assert loss.temperature().item() == pytest.approx(
        _temperature(1.0, 2.0, 30.0), rel=1e-6)


def _ctkd_algorithm():
    return build_algorithm(
        dict(
            type='ConfigurableDistiller',
            student_recorders=fc_recorders(),
            teacher_recorders=fc_recorders(),
            distill_losses=dict(
                loss_kl=dict(
                    type='CTKDLoss', standardize=True, loss_weight=9.0)),
            loss_forward_mappings=dict(
                loss_kl=dict(
                    preds_S=dict(from_student=True, recorder='fc'),
                    preds_T=dict(from_student=False, recorder='fc')))))


def _group_of(optim_wrapper, param):
    groups = [
        group for group in optim_wrapper.optimizer.param_groups
        if any(p is param for p in group['params'])
    ]
    assert len(groups) == 1
    return groups[0]


def test_theta_is_trained_by_the_students_optimizer():
    algorithm = _ctkd_algorithm()
    theta = algorithm.distiller.distill_losses.loss_kl.temperature.theta
    names = [n for n, p in algorithm.named_parameters() if p is theta]
    assert names == ['distiller.distill_losses.loss_kl.temperature.theta']
    cfg = dict(
        optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=1e-4))
    optim_wrapper = build_optim_wrapper(algorithm, cfg)
    group = _group_of(optim_wrapper, theta)
    # As the official code: one SGD with the student's lr, momentum and
    # weight decay.
    assert (group['lr'], group['momentum'],
            group['weight_decay']) == (0.2, 0.9, 1e-4)
    student_weight = algorithm.student.head.fc.weight
    assert _group_of(optim_wrapper, student_weight) is group
    # The documented way to exempt it from weight decay.
    cfg['paramwise_cfg'] = dict(
        custom_keys={'temperature.theta': dict(decay_mult=0.0)})
    group = _group_of(build_optim_wrapper(algorithm, cfg), theta)
    assert group['weight_decay'] == 0.0
