# Copyright (c) zkd_mm contributors. All rights reserved.
import pytest
import torch

from tests.reference import reference_dkd
from zkd_mm.models.losses import ZScoreDKDLoss


def _inputs(n=8, k=100, seed=0, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    student = torch.randn(n, k, generator=gen, dtype=dtype) * 3
    teacher = torch.randn(n, k, generator=gen, dtype=dtype) * 5 + 1
    labels = torch.randint(0, k, (n, ), generator=gen)
    return student, teacher, labels


@pytest.mark.parametrize('tau,alpha,beta', [(2.0, 1.0, 8.0), (3.0, 1.0, 2.0),
                                            (4.0, 0.5, 0.5)])
def test_matches_official_formula(tau, alpha, beta):
    student, teacher, labels = _inputs()
    loss = ZScoreDKDLoss(tau=tau, alpha=alpha, beta=beta, loss_weight=9.0)
    expected = 9.0 * reference_dkd(student, teacher, labels, tau, alpha,
                                   beta)
    torch.testing.assert_close(
        loss(student, teacher, labels).double(), expected, rtol=1e-6,
        atol=0)


def test_explicit_per_sample_mean_and_sum():
    student, teacher, labels = _inputs(n=6)
    mean = ZScoreDKDLoss()(student, teacher, labels)
    total = ZScoreDKDLoss(reduction='sum')(student, teacher, labels)
    per_sample = ZScoreDKDLoss(reduction='none')(student, teacher, labels)
    assert per_sample.shape == (6, )
    torch.testing.assert_close(total, 6 * mean)
    torch.testing.assert_close(per_sample.mean(), mean)
    # One sample alone gives its own per-sample value: no batch coupling.
    single = ZScoreDKDLoss()(student[2:3], teacher[2:3], labels[2:3])
    torch.testing.assert_close(single, per_sample[2])


def test_mmrazor_dkd_mean_reduction_is_a_batch_sum():
    """Why zkd_mm's DKD reduction is explicit: MMRazor's 'mean' sums."""
    from mmrazor.models.losses import DKDLoss  # zkd_mm is imported
    student, teacher, labels = _inputs(n=4)
    ours = ZScoreDKDLoss(tau=2.0, standardize=False)(student, teacher,
                                                     labels)
    theirs_batchmean = DKDLoss(tau=2.0, beta=8.0, reduction='batchmean')(
        student, teacher, labels)
    theirs_mean = DKDLoss(tau=2.0, beta=8.0, reduction='mean')(
        student, teacher, labels)
    torch.testing.assert_close(ours, theirs_batchmean, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(theirs_mean, 4 * theirs_batchmean)


def test_invariant_to_per_sample_affine_maps():
    student, teacher, labels = _inputs(dtype=torch.float64)
    loss = ZScoreDKDLoss()
    base = loss(student, teacher, labels)
    scale = torch.rand(8, 1, dtype=torch.float64) * 5 + 0.2
    torch.testing.assert_close(
        loss(student * scale - 4, teacher * 2 + 7, labels), base)


def test_gradcheck():
    student, teacher, labels = _inputs(n=3, k=5, dtype=torch.float64)
    assert torch.autograd.gradcheck(
        lambda s: ZScoreDKDLoss(tau=2.0)(s, teacher, labels),
        (student.requires_grad_(), ))


def test_bad_labels_and_arguments():
    student, teacher, labels = _inputs(n=4, k=10)
    with pytest.raises(ValueError, match='hard class index per sample'):
        ZScoreDKDLoss()(student, teacher, torch.rand(4, 10))
    with pytest.raises(ValueError, match=r'in \[0, 10\)'):
        ZScoreDKDLoss()(student, teacher, torch.tensor([0, 1, 2, 10]))
    with pytest.raises(ValueError, match=r'\(4, 10\).*\(4, 11\)'):
        ZScoreDKDLoss()(student, torch.randn(4, 11), labels)
    with pytest.raises(ValueError, match='reduction must be one of'):
        ZScoreDKDLoss(reduction='mean')
