# Copyright (c) zkd_mm contributors. All rights reserved.
import pytest
import torch

from tests.reference import reference_zscore
from zkd_mm.models.functional import zscore


def test_matches_reference_2d_and_4d():
    torch.manual_seed(0)
    for shape in [(8, 100), (4, 19, 3, 5)]:
        x = torch.randn(*shape) * 4 + 3
        torch.testing.assert_close(
            zscore(x).double(), reference_zscore(x), rtol=1e-6, atol=1e-6)


def test_zero_mean_unit_unbiased_std():
    torch.manual_seed(1)
    x = torch.randn(16, 50, dtype=torch.float64) * 7 - 2
    z = zscore(x)
    k = x.shape[1]
    mean = z.sum(1) / k
    std = ((z - mean[:, None])**2).sum(1).div(k - 1).sqrt()
    torch.testing.assert_close(mean, torch.zeros(16, dtype=torch.float64),
                               atol=1e-12, rtol=0)
    torch.testing.assert_close(std, torch.ones(16, dtype=torch.float64),
                               atol=1e-6, rtol=0)


def test_preserves_rank_and_bound():
    torch.manual_seed(2)
    x = torch.randn(32, 100) * 3
    z = zscore(x)
    assert torch.equal(x.argsort(1), z.argsort(1))
    k = x.shape[1]
    assert z.abs().max() <= (k - 1) / k**0.5 + 1e-5


def test_standardizes_dim_1_of_dense_outputs():
    torch.manual_seed(3)
    x = torch.randn(2, 6, 4, 4)
    z = zscore(x)
    torch.testing.assert_close(z.mean(1), torch.zeros(2, 4, 4), atol=1e-6,
                               rtol=0)
    # Each pixel is standardized on its own.
    torch.testing.assert_close(z[:, :, 1, 2], zscore(x[:, :, 1, 2]))


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_low_precision_is_computed_in_float32(dtype):
    torch.manual_seed(4)
    x = (torch.randn(8, 1000) * 5).to(dtype)
    z = zscore(x)
    assert z.dtype == torch.float32
    torch.testing.assert_close(
        z.double(), reference_zscore(x.float()), rtol=1e-5, atol=1e-5)


def test_gradcheck_float64():
    torch.manual_seed(5)
    x = torch.randn(3, 7, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(zscore, (x, ))
    x4 = torch.randn(2, 4, 2, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(zscore, (x4, ))


def test_gradient_matches_autograd_of_reference():
    torch.manual_seed(6)
    x = torch.randn(5, 30, dtype=torch.float64, requires_grad=True)
    weights = torch.randn(5, 30, dtype=torch.float64)
    grad, = torch.autograd.grad((zscore(x) * weights).sum(), x)
    grad_ref, = torch.autograd.grad((reference_zscore(x) * weights).sum(), x)
    torch.testing.assert_close(grad, grad_ref, rtol=1e-9, atol=1e-12)


def test_constant_row_is_finite():
    x = torch.full((2, 10), 3.0, requires_grad=True)
    z = zscore(x)
    assert torch.equal(z, torch.zeros_like(z))
    grad, = torch.autograd.grad((z * torch.arange(10.)).sum(), x)
    assert torch.isfinite(grad).all()


def test_rejects_fewer_than_two_classes():
    with pytest.raises(ValueError, match='at least 2 classes'):
        zscore(torch.randn(4, 1))
    with pytest.raises(ValueError, match=r'\(N, C\)'):
        zscore(torch.randn(4))
