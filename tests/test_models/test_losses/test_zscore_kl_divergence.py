# Copyright (c) zkd_mm contributors. All rights reserved.
import pytest
import torch
from mmengine.registry import DefaultScope
from mmrazor.registry import MODELS

import zkd_mm  # noqa: F401  (registers the loss)
from tests.reference import (reference_shared_temperature_kl, reference_zscore,
                             reference_zscore_kl)
from zkd_mm.models.functional import zscore_kl_div
from zkd_mm.models.losses import ZScoreKLDivergence

TEACHER = torch.tensor([[1., 4., 3., 2.]])
STUDENT_1 = torch.tensor([[1., 2.8, 3., 2.]])
STUDENT_2 = TEACHER / 10


def _logits(*shape, seed=0, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    student = torch.randn(*shape, generator=gen, dtype=dtype) * 3
    teacher = torch.randn(*shape, generator=gen, dtype=dtype) * 5 + 1
    return student, teacher


@pytest.mark.parametrize('shape', [(8, 100), (64, 1000), (4, 10, 3, 5)])
@pytest.mark.parametrize('tau', [1.0, 2.0, 4.0])
def test_parity_with_reference(shape, tau):
    student, teacher = _logits(*shape)
    loss = ZScoreKLDivergence(tau=tau)(student, teacher)
    expected = reference_zscore_kl(student, teacher, tau).sum() / shape[0]
    assert loss.dtype == torch.float32
    torch.testing.assert_close(loss.double(), expected, rtol=1e-6, atol=0)


def test_paper_toy_case():
    shared = [
        reference_shared_temperature_kl(s, TEACHER, 1.0).item()
        for s in (STUDENT_1, STUDENT_2)
    ]
    assert shared == pytest.approx([0.1749, 0.3457], abs=1e-4)
    loss = ZScoreKLDivergence(tau=1.0)
    assert loss(STUDENT_1, TEACHER).item() == pytest.approx(0.0995, abs=1e-4)
    assert loss(STUDENT_2, TEACHER).item() == pytest.approx(0.0, abs=1e-4)
    torch.testing.assert_close(
        reference_zscore(TEACHER).float(),
        torch.tensor([[-1.162, 1.162, 0.387, -0.387]]), atol=1e-3, rtol=0)


@pytest.mark.parametrize('side', ['student', 'teacher'])
def test_invariant_to_per_sample_affine_maps(side):
    student, teacher = _logits(16, 100, dtype=torch.float64)
    gen = torch.Generator().manual_seed(1)
    scale = torch.rand(16, 1, generator=gen, dtype=torch.float64) * 10 + 0.1
    shift = torch.randn(16, 1, generator=gen, dtype=torch.float64) * 50
    loss = ZScoreKLDivergence(tau=2.0)
    base = loss(student, teacher)
    if side == 'student':
        moved = loss(student * scale + shift, teacher)
    else:
        moved = loss(student, teacher * scale + shift)
    torch.testing.assert_close(moved, base, rtol=1e-6, atol=1e-9)
    # A plain shared-temperature KL is not invariant: the test can fail.
    plain = reference_shared_temperature_kl(student * scale + shift,
                                            teacher, 2.0).mean()
    assert abs(plain - reference_shared_temperature_kl(
        student, teacher, 2.0).mean()) > 1e-2


def test_identical_relations_give_zero_loss():
    _, teacher = _logits(8, 100)
    loss = ZScoreKLDivergence(tau=2.0)(teacher * 0.25 - 3, teacher)
    assert loss.abs().item() < 1e-5


def test_gradcheck_float64_both_inputs():
    student, teacher = _logits(3, 6, dtype=torch.float64)
    student.requires_grad_()
    teacher.requires_grad_()
    for reduction in ('batchmean', 'sum', 'mean', 'none'):
        assert torch.autograd.gradcheck(
            lambda s, t: zscore_kl_div(s, t, 2.0, reduction),
            (student, teacher))
    student4, teacher4 = _logits(2, 5, 2, 2, dtype=torch.float64)
    assert torch.autograd.gradcheck(
        lambda s, t: zscore_kl_div(s, t, 3.0),
        (student4.requires_grad_(), teacher4.requires_grad_()))


def test_gradient_matches_reference_autograd():
    student, teacher = _logits(8, 100)
    student.requires_grad_()
    loss = ZScoreKLDivergence(tau=2.0, loss_weight=9.0)(student, teacher)
    grad, = torch.autograd.grad(loss, student)
    ref_student = student.detach().double().requires_grad_()
    ref = 9.0 * reference_zscore_kl(ref_student, teacher, 2.0).mean()
    grad_ref, = torch.autograd.grad(ref, ref_student)
    torch.testing.assert_close(grad.double(), grad_ref, rtol=1e-4, atol=1e-8)
    # The KD gradient cannot move the student's logit mean or scale.
    assert grad.sum(1).abs().max() < 1e-6
    centered = student.detach() - student.detach().mean(1, keepdim=True)
    assert (grad * centered).sum(1).abs().max() < 1e-5


def test_teacher_detach():
    student, teacher = _logits(4, 10)
    teacher.requires_grad_()
    student.requires_grad_()
    ZScoreKLDivergence()(student, teacher).backward()
    assert teacher.grad is None and student.grad is not None
    ZScoreKLDivergence(teacher_detach=False)(student, teacher).backward()
    assert teacher.grad is not None and teacher.grad.abs().sum() > 0


def test_reductions_follow_mmrazor_kl_divergence():
    """On pre-standardized logits the loss must equal MMRazor's KL."""
    from mmrazor.models.losses import KLDivergence

    import zkd_mm.compat  # noqa: F401
    student, teacher = _logits(6, 3, 2, 4)
    z_student = reference_zscore(student).float()
    z_teacher = reference_zscore(teacher).float()
    for reduction in ('batchmean', 'sum', 'mean', 'none'):
        ours = ZScoreKLDivergence(
            tau=2.0, loss_weight=3.0, reduction=reduction)(student, teacher)
        theirs = KLDivergence(
            tau=2.0, loss_weight=3.0, reduction=reduction)(z_student,
                                                           z_teacher)
        assert ours.shape == theirs.shape
        torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-6)


def test_loss_weight_and_tau_squared():
    student, teacher = _logits(8, 20)
    one = ZScoreKLDivergence(tau=3.0)(student, teacher)
    expected = reference_zscore_kl(student, teacher, 3.0).mean()
    torch.testing.assert_close(one.double(), expected, rtol=1e-6, atol=0)
    torch.testing.assert_close(
        ZScoreKLDivergence(tau=3.0, loss_weight=9.0)(student, teacher),
        9.0 * one)


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_low_precision_inputs_computed_in_float32(dtype):
    student, teacher = _logits(64, 1000)
    student, teacher = student.to(dtype), teacher.to(dtype)
    loss = ZScoreKLDivergence()(student, teacher)
    assert loss.dtype == torch.float32
    expected = reference_zscore_kl(student.float(), teacher.float(),
                                   2.0).mean()
    torch.testing.assert_close(loss.double(), expected, rtol=1e-6, atol=0)
    student.requires_grad_()
    grad, = torch.autograd.grad(ZScoreKLDivergence()(student, teacher),
                                student)
    assert grad.dtype == dtype and torch.isfinite(grad).all()


def test_registry_build():
    # As inside a distillation config's model dict (``_scope_='mmrazor'``).
    with DefaultScope.overwrite_default_scope('mmrazor'):
        loss = MODELS.build(
            dict(type='ZScoreKLDivergence', tau=2, loss_weight=9,
                 reduction='sum'))
    assert isinstance(loss, ZScoreKLDivergence)
    assert (loss.tau, loss.loss_weight, loss.reduction) == (2, 9, 'sum')


def test_peer_torchdistill_logit_std_kd_loss():
    mid_level = pytest.importorskip('torchdistill.losses.mid_level')
    student, teacher = _logits(8, 100)
    io = dict(student_module_path='.', student_module_io='output',
              teacher_module_path='.', teacher_module_io='output')
    peer = mid_level.LogitStdKDLoss(temperature=2.0, alpha=0.0, **io)
    # With alpha=0 torchdistill returns the KL without the tau^2 factor.
    peer_loss = peer({'.': {'output': student}}, {'.': {'output': teacher}})
    ours = ZScoreKLDivergence(tau=2.0)(student, teacher)
    torch.testing.assert_close(ours, 4.0 * peer_loss, rtol=1e-6, atol=0)


def test_mismatched_shapes_name_both():
    with pytest.raises(ValueError, match=r'\(4, 10\).*\(4, 12\)'):
        ZScoreKLDivergence()(torch.randn(4, 10), torch.randn(4, 12))


def test_fewer_than_two_classes():
    with pytest.raises(ValueError, match='at least 2 classes'):
        ZScoreKLDivergence()(torch.randn(4, 1), torch.randn(4, 1))


def test_unknown_reduction_and_bad_args_fail_at_construction():
    with pytest.raises(ValueError, match='reduction must be one of'):
        ZScoreKLDivergence(reduction='average')
    with pytest.raises(ValueError, match='tau must be > 0'):
        ZScoreKLDivergence(tau=0)
    # The per-loss policy is gone: one check per iteration (FiniteCheckHook).
    with pytest.raises(TypeError, match='nonfinite'):
        ZScoreKLDivergence(nonfinite='raise')


def test_constant_student_row_is_finite():
    """A zero-initialized head: finite loss and gradient of size ~1/eps."""
    _, teacher = _logits(4, 100)
    student = torch.zeros(4, 100, requires_grad=True)
    loss = ZScoreKLDivergence(tau=2.0)(student, teacher)
    grad, = torch.autograd.grad(loss, student)
    # Z(const) = 0, so the student predicts uniform: KL(p || uniform).
    expected = reference_zscore_kl(torch.zeros(4, 100), teacher, 2.0).mean()
    torch.testing.assert_close(loss.double(), expected, rtol=1e-6, atol=0)
    assert torch.isfinite(grad).all()
    # The gradient is (g - mean(g)) / eps: large, as documented.
    assert 1e4 < grad.abs().max() < 1e7
    # A constant teacher row is harmless: the target is uniform.
    student2, _ = _logits(4, 100)
    student2.requires_grad_()
    loss2 = ZScoreKLDivergence()(student2, torch.ones(4, 100))
    grad2, = torch.autograd.grad(loss2, student2)
    assert torch.isfinite(loss2) and grad2.abs().max() < 1.0


@pytest.mark.parametrize('bad', [float('nan'), float('inf'), -float('inf')])
@pytest.mark.parametrize('side', ['student', 'teacher'])
def test_nonfinite_logits_never_give_a_finite_loss(bad, side):
    student, teacher = _logits(4, 10)
    (student if side == 'student' else teacher)[2, 3] = bad
    assert not torch.isfinite(ZScoreKLDivergence()(student, teacher))


@pytest.mark.parametrize('reduction', ['batchmean', 'sum', 'mean', 'none'])
def test_nonfinite_logits_propagate_per_sample(reduction):
    student, teacher = _logits(4, 10)
    student[1, 0] = float('nan')
    teacher[3, 5] = float('inf')
    loss = ZScoreKLDivergence(reduction=reduction)(student, teacher)
    assert not torch.isfinite(loss).all()
    if reduction == 'none':
        assert not torch.isfinite(loss[1]).any()
        assert torch.isfinite(loss[0]).all()
