# Copyright (c) zkd_mm contributors. All rights reserved.
"""MLKD's instance, class and batch losses against formulas in this file."""
import math

import numpy as np
import pytest
import torch

import zkd_mm  # noqa: F401  (registers the losses)
from tests.reference import reference_zscore
from zkd_mm.models.losses import MLKDBatchLoss, MLKDClassLoss, MLKDInstanceLoss

TEMPERATURES = (2.0, 3.0, 5.0, 2.0, 6.0)


# -- References, float64, written from the MLKD formulas ------------------


def ref_kd_rows(s, t, temperature, standardize):
    """``T^2 * sum_k p_k log(p_k / q_k)`` per sample."""
    s, t = s.double(), t.double()
    if standardize:
        s, t = reference_zscore(s), reference_zscore(t)
    a, b = s / temperature, t / temperature
    log_q = a - a.exp().sum(1, keepdim=True).log()
    log_p = b - b.exp().sum(1, keepdim=True).log()
    return temperature**2 * (log_p.exp() * (log_p - log_q)).sum(1)


def _softmax(x, temperature):
    e = (x.double() / temperature).exp()
    return e / e.sum(1, keepdim=True)


def ref_class_rows(s, t, temperature):
    """Row k: ``sum_l (G_T - G_S)[k, l]^2 / K``, ``G[k, l] = sum_b P_bk P_bl``.
    """
    p_s, p_t = _softmax(s, temperature), _softmax(t, temperature)
    g_s = (p_s[:, :, None] * p_s[:, None, :]).sum(0)
    g_t = (p_t[:, :, None] * p_t[:, None, :]).sum(0)
    return ((g_t - g_s)**2).sum(1) / s.shape[1]


def ref_batch_rows(s, t, temperature):
    """Row i: ``sum_j (G_T - G_S)[i, j]^2 / B``, ``G[i, j] = sum_k P_ik P_jk``.
    """
    p_s, p_t = _softmax(s, temperature), _softmax(t, temperature)
    g_s = (p_s[:, None, :] * p_s[None, :, :]).sum(2)
    g_t = (p_t[:, None, :] * p_t[None, :, :]).sum(2)
    return ((g_t - g_s)**2).sum(1) / s.shape[0]


def ref_sample_mask(t):
    """Teacher max-prob at most its numpy median, as the official code."""
    conf = _softmax(t, 1.0).max(1).values.float().numpy()
    return torch.from_numpy(conf <= np.percentile(conf, 50)).double()


def ref_class_mask(t):
    conf = _softmax(t, 1.0).sum(0).float().numpy()
    return torch.from_numpy(conf <= np.percentile(conf, 50)).double()


def ref_instance(sw, tw, ss, ts, weight, standardize, official):
    mask = ref_sample_mask(tw)
    total = 0.0
    for index, temperature in enumerate(TEMPERATURES):
        weak = ref_kd_rows(sw, tw, temperature, standardize)
        if official:
            total += weight * weak.mean() * mask.mean()
            # The official strong sum takes its 4th and 5th terms from the
            # weak view.
            view = (sw, tw) if index >= 3 else (ss, ts)
        else:
            total += weight * (weak * mask).mean()
            view = (ss, ts)
        total += weight * ref_kd_rows(*view, temperature, standardize).mean()
    return total


def ref_gram(rows_fn, mask_fn, s, t, weight, official):
    mask = mask_fn(t)
    total = 0.0
    for temperature in TEMPERATURES:
        rows = rows_fn(s, t, temperature)
        total += weight * (rows.sum() * mask.mean() if official else
                           (rows * mask).sum())
    return total


# -- Data ---------------------------------------------------------------------


def _logits(n=8, k=20, seed=0):
    gen = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, k, (n, ), generator=gen)
    teacher = torch.randn(n, k, generator=gen) * 2
    # Varying confidence, so that the masks are not trivial.
    teacher[torch.arange(n), labels] += torch.linspace(0, 8, n)
    student = torch.randn(n, k, generator=gen) * 3
    return student, teacher


def _views(n=8, k=20, seed=0):
    sw, tw = _logits(n, k, seed)
    ss, ts = _logits(n, k, seed + 100)
    return sw, tw, ss, ts


# -- Values -------------------------------------------------------------------


@pytest.mark.parametrize('official', [False, True])
@pytest.mark.parametrize('standardize', [False, True])
@pytest.mark.parametrize('n', [8, 7])
def test_instance_loss_equals_the_formula(official, standardize, n):
    sw, tw, ss, ts = _views(n=n)
    loss = MLKDInstanceLoss(TEMPERATURES, standardize=standardize,
                            loss_weight=9.0, official_quirks=official)
    expected = ref_instance(sw, tw, ss, ts, 9.0, standardize, official)
    assert loss(sw, tw, ss, ts).item() == pytest.approx(
        expected.item(), rel=1e-5)


@pytest.mark.parametrize('official', [False, True])
@pytest.mark.parametrize('loss_type, rows_fn, mask_fn', [
    (MLKDClassLoss, ref_class_rows, ref_class_mask),
    (MLKDBatchLoss, ref_batch_rows, ref_sample_mask),
])
def test_gram_losses_equal_the_formula(official, loss_type, rows_fn, mask_fn):
    student, teacher = _logits(n=8, k=20)
    loss = loss_type(TEMPERATURES, loss_weight=6.0, official_quirks=official)
    expected = ref_gram(rows_fn, mask_fn, student, teacher, 6.0, official)
    assert loss(student, teacher).item() == pytest.approx(
        expected.item(), rel=1e-5)


@pytest.mark.parametrize('loss_type, rows_fn, mask_fn', [
    (MLKDClassLoss, ref_class_rows, ref_class_mask),
    (MLKDBatchLoss, ref_batch_rows, ref_sample_mask),
])
def test_gram_gradients_equal_the_formula(loss_type, rows_fn, mask_fn):
    student, teacher = _logits(n=6, k=12, seed=3)
    student.requires_grad_(True)
    loss_type(TEMPERATURES, loss_weight=2.0)(student, teacher).backward()
    ref_student = student.detach().double().requires_grad_(True)
    ref_gram(rows_fn, mask_fn, ref_student, teacher, 2.0, False).backward()
    torch.testing.assert_close(
        student.grad.double(), ref_student.grad, rtol=1e-4, atol=1e-9)


def test_instance_gradients_equal_the_formula():
    sw, tw, ss, ts = _views(n=6, k=12, seed=5)
    sw.requires_grad_(True)
    ss.requires_grad_(True)
    MLKDInstanceLoss(TEMPERATURES, standardize=True)(sw, tw, ss,
                                                     ts).backward()
    ref_sw = sw.detach().double().requires_grad_(True)
    ref_ss = ss.detach().double().requires_grad_(True)
    ref_instance(ref_sw, tw, ref_ss, ts, 1.0, True, False).backward()
    torch.testing.assert_close(sw.grad.double(), ref_sw.grad, rtol=1e-4,
                               atol=1e-8)
    torch.testing.assert_close(ss.grad.double(), ref_ss.grad, rtol=1e-4,
                               atol=1e-8)


def test_mask_keeps_the_less_confident_half():
    # Teacher confidence grows with the row index: rows 0..3 are kept.
    tw = torch.zeros(8, 20)
    tw[:, 0] = torch.linspace(0, 8, 8)
    sw = _logits(n=8, k=20)[0].requires_grad_(True)
    # The strong view matches exactly, so only weak-view terms have a
    # gradient: per-sample masking gives none to the confident rows.
    ts = torch.randn(8, 20)
    MLKDInstanceLoss(TEMPERATURES)(sw, tw, ts.clone(), ts).backward()
    row_grad = sw.grad.abs().sum(1)
    assert torch.all(row_grad[:4] > 0) and torch.all(row_grad[4:] == 0)
    # The official code's scalar mask only scales: every row has a gradient.
    sw.grad = None
    MLKDInstanceLoss(TEMPERATURES, official_quirks=True)(sw, tw, ts.clone(),
                                                         ts).backward()
    assert torch.all(sw.grad.abs().sum(1) > 0)


def test_official_mask_is_the_kept_fraction():
    # A scalar times a mask, averaged: the mask's mean (4 of 8 here).
    sw, tw, ss, ts = _views()
    plain = MLKDInstanceLoss((4.0, ), official_quirks=True)
    weak_only = plain(sw, tw, ts.clone(), ts)
    expected = ref_kd_rows(sw, tw, 4.0, False).mean() * 0.5
    assert weak_only.item() == pytest.approx(expected.item(), rel=1e-5)


def test_zero_when_the_student_equals_the_teacher():
    _, tw, _, ts = _views()
    for official in (False, True):
        loss = MLKDInstanceLoss(TEMPERATURES, official_quirks=official)
        assert loss(tw.clone(), tw, ts.clone(), ts).item() == pytest.approx(
            0.0, abs=1e-5)
        assert MLKDClassLoss()(tw.clone(), tw).item() == 0.0
        assert MLKDBatchLoss()(tw.clone(), tw).item() == 0.0


# -- Invariances --------------------------------------------------------------


def _affine(x, seed):
    gen = torch.Generator().manual_seed(seed)
    scale = torch.rand(x.shape[0], 1, generator=gen) * 4 + 0.2
    shift = torch.randn(x.shape[0], 1, generator=gen) * 10
    return x * scale + shift


def _shift(x, seed):
    gen = torch.Generator().manual_seed(seed)
    return x + torch.randn(x.shape[0], 1, generator=gen) * 10


@pytest.mark.parametrize('official', [False, True])
def test_zscore_instance_terms_ignore_per_sample_affine_maps(official):
    sw, tw, ss, ts = _views()
    loss = MLKDInstanceLoss(TEMPERATURES, standardize=True,
                            official_quirks=official)
    base = loss(sw, tw, ss, ts).item()
    # Any per-sample positive affine map of the student (both views), or of
    # the teacher's strong view; the teacher's weak view sets the mask from
    # its raw softmax, which a per-sample shift leaves unchanged.
    for args in ((_affine(sw, 1), tw, _affine(ss, 2), ts),
                 (sw, _shift(tw, 3), ss, _affine(ts, 4))):
        assert loss(*args).item() == pytest.approx(base, rel=1e-5)
    # Without Z-score the same student map changes the loss.
    raw = MLKDInstanceLoss(TEMPERATURES, official_quirks=official)
    assert raw(_affine(sw, 1), tw, _affine(ss, 2), ts).item() != (
        pytest.approx(raw(sw, tw, ss, ts).item(), rel=1e-3))


@pytest.mark.parametrize('loss_type', [MLKDClassLoss, MLKDBatchLoss])
def test_gram_terms_use_raw_logits(loss_type):
    # As in the official code: no standardization, so a scale matters.
    student, teacher = _logits()
    loss = loss_type(TEMPERATURES)
    assert loss(student * 3, teacher).item() != pytest.approx(
        loss(student, teacher).item(), rel=1e-3)


def test_teacher_gets_no_gradient():
    sw, tw, ss, ts = _views()
    tw.requires_grad_(True)
    ts.requires_grad_(True)
    sw.requires_grad_(True)
    loss = (MLKDInstanceLoss(standardize=True)(sw, tw, ss, ts) +
            MLKDClassLoss()(sw, tw) + MLKDBatchLoss()(sw, tw))
    loss.backward()
    assert tw.grad is None and ts.grad is None
    assert sw.grad is not None


def test_half_precision_is_computed_in_float32():
    sw, tw, ss, ts = _views()
    loss = MLKDInstanceLoss(standardize=True)
    full = loss(sw, tw, ss, ts)
    half = loss(sw.half(), tw.half(), ss.half(), ts.half())
    assert half.dtype == torch.float32
    assert half.item() == pytest.approx(full.item(), rel=2e-3)


# -- Errors -------------------------------------------------------------------


@pytest.mark.parametrize('temperatures', [(), (2.0, 0.0), (-1.0, )])
def test_bad_temperatures_are_refused(temperatures):
    for loss_type in (MLKDInstanceLoss, MLKDClassLoss, MLKDBatchLoss):
        with pytest.raises(ValueError, match='temperatures must be'):
            loss_type(temperatures)


def test_shape_errors_say_what_to_fix():
    student, teacher = _logits()
    with pytest.raises(ValueError, match='same num_classes'):
        MLKDClassLoss()(student, teacher[:, :10])
    with pytest.raises(ValueError, match=r'expects \(N, K\) logits'):
        MLKDBatchLoss()(student[:, :, None], teacher[:, :, None])


def test_nonfinite_logits_give_a_nonfinite_loss():
    sw, tw, ss, ts = _views()
    ss[2, 3] = float('nan')
    assert math.isnan(MLKDInstanceLoss()(sw, tw, ss, ts).item())
    tw[0, 0] = float('inf')
    assert not math.isfinite(MLKDBatchLoss()(sw, tw).item())
