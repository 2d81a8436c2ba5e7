# Copyright (c) zkd_mm contributors. All rights reserved.
"""The gradient reversal layer: identity forward, gradient times lambda."""
import pytest
import torch

from zkd_mm.models.temperature import GradientReversalLayer, gradient_reversal


@pytest.mark.parametrize('lambda_', [-1.0, -0.5, -0.02447, 0.0, 0.25, 1.0])
def test_backward_multiplies_the_gradient_by_lambda(lambda_):
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    upstream = torch.tensor([0.5, 4.0, -8.0])
    y = gradient_reversal(x, lambda_)
    assert torch.equal(y, x) and y.data_ptr() != x.data_ptr()
    (y * upstream).sum().backward()
    # The official convention: times lambda (not -lambda), so lambda < 0
    # reverses the gradient, 0 blocks it and 1 leaves it alone.
    assert torch.equal(x.grad, upstream * lambda_)


def test_reversal_flips_the_sign_of_a_leaf_parameter_gradient():
    theta = torch.nn.Parameter(torch.tensor(1.0))
    (gradient_reversal(theta, -1.0)**2).backward()
    assert theta.grad.item() == -2.0


def test_layer_uses_its_settable_lambda():
    layer = GradientReversalLayer()
    assert layer.lambda_ == -1.0
    layer.lambda_ = -0.25
    x = torch.ones(2, requires_grad=True)
    (3 * layer(x)).sum().backward()
    assert torch.equal(x.grad, torch.full((2, ), -0.75))
    assert 'lambda_=-0.25' in repr(layer)


def test_second_use_of_the_input_is_not_reversed():
    x = torch.tensor(2.0, requires_grad=True)
    (x * gradient_reversal(x, -1.0)).backward()
    # d/dx [x * g(x)] with g's gradient reversed: x * (-1) + g(x) = 0.
    assert x.grad.item() == 0.0
