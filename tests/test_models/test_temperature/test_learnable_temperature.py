# Copyright (c) zkd_mm contributors. All rights reserved.
"""CTKD's learnable global temperature."""
import math

import pytest
import torch

from zkd_mm.models.temperature import LearnableTemperature


def test_official_initialization_and_range():
    module = LearnableTemperature()
    assert module.theta.item() == 1.0 and module.theta.requires_grad
    # 1 + 20 * sigmoid(1), the official initial temperature.
    expected = 1 + 20 / (1 + math.exp(-1))
    assert module().item() == pytest.approx(expected, abs=1e-5)
    assert module().item() == pytest.approx(15.6212, abs=1e-4)
    assert module().dim() == 0 and module().dtype == torch.float32
    with torch.no_grad():
        module.theta.fill_(-30.0)
        assert module().item() == pytest.approx(1.0, abs=1e-6)
        module.theta.fill_(30.0)
        assert module().item() == pytest.approx(21.0, abs=1e-5)


@pytest.mark.parametrize('lambda_', [-1.0, -0.09549, 0.0, 1.0])
@pytest.mark.parametrize('theta', [1.0, -0.7])
def test_gradient_is_lambda_times_dt_dtheta(lambda_, theta):
    module = LearnableTemperature(
        t_start=2.0, t_end=10.0, init_theta=theta, lambda_=lambda_)
    module().backward()
    sig = 1 / (1 + math.exp(-theta))
    expected = lambda_ * 10.0 * sig * (1 - sig)
    assert module.theta.grad.item() == pytest.approx(
        expected, rel=1e-6, abs=1e-12)


def test_lambda_is_settable_and_shown():
    module = LearnableTemperature()
    module.lambda_ = -0.5
    assert module.grl.lambda_ == -0.5
    assert 'temperature=15.6212' in repr(module)
    assert 'lambda_=-0.5' in repr(module)


@pytest.mark.parametrize('kwargs', [dict(t_start=0.0), dict(t_end=-1.0)])
def test_rejects_a_range_that_is_not_positive(kwargs):
    with pytest.raises(ValueError, match='must be > 0'):
        LearnableTemperature(**kwargs)
