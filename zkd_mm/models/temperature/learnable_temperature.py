# Copyright (c) zkd_mm contributors. All rights reserved.
"""CTKD's learnable global temperature."""
import torch
import torch.nn as nn

from .gradient_reversal import GradientReversalLayer


class LearnableTemperature(nn.Module):
    """A global distillation temperature trained through gradient reversal.

    The global temperature module of `Curriculum Temperature for Knowledge
    Distillation <https://arxiv.org/abs/2211.16231>`_ (Li et al., AAAI
    2023)::

        T = t_start + t_end * sigmoid(GRL(theta, lambda_))

    with one scalar parameter ``theta``, so ``T`` lies in ``(t_start,
    t_start + t_end)``. The gradient reversal layer (see
    :func:`gradient_reversal`) multiplies the gradient reaching ``theta`` by
    ``lambda_``; with a negative ``lambda_`` an optimizer that minimizes the
    loss moves ``T`` so that the loss *increases* (CTKD's adversarial
    temperature). ``CTKDCurriculumHook`` sets ``lambda_`` every epoch.

    The official code initializes ``theta`` to 1, which with its defaults
    ``t_start=1``, ``t_end=20`` gives ``T = 1 + 20 * sigmoid(1) = 15.62``.

    Args:
        t_start (float): Lower bound of ``T``. Defaults to 1.0.
        t_end (float): Width of ``T``'s range. Defaults to 20.0.
        init_theta (float): Initial ``theta``. Defaults to 1.0, as the
            official code.
        lambda_ (float): Initial gradient factor of the reversal layer.
            Defaults to -1.0 (fully reversed).
    """

    def __init__(self,
                 t_start: float = 1.0,
                 t_end: float = 20.0,
                 init_theta: float = 1.0,
                 lambda_: float = -1.0) -> None:
        super().__init__()
        if t_start <= 0:
            raise ValueError('LearnableTemperature: t_start must be > 0 so '
                             f'that the temperature stays positive, got '
                             f'{t_start}.')
        if t_end <= 0:
            raise ValueError(f'LearnableTemperature: t_end must be > 0, got '
                             f'{t_end}.')
        self.t_start = float(t_start)
        self.t_end = float(t_end)
        self.theta = nn.Parameter(torch.tensor(float(init_theta)))
        self.grl = GradientReversalLayer(lambda_)

    @property
    def lambda_(self) -> float:
        """The gradient factor of the reversal layer."""
        return self.grl.lambda_

    @lambda_.setter
    def lambda_(self, value: float) -> None:
        self.grl.lambda_ = float(value)

    def forward(self) -> torch.Tensor:
        """The current temperature, a 0-dim tensor.

        It is float32, or float64 if ``theta`` is. Its gradient reaches
        ``theta`` multiplied by ``lambda_``.
        """
        theta = self.theta.to(
            torch.promote_types(self.theta.dtype, torch.float32))
        theta = self.grl(theta)
        return self.t_start + self.t_end * torch.sigmoid(theta)

    def extra_repr(self) -> str:
        value = self.t_start + self.t_end * float(
            torch.sigmoid(self.theta.detach()))
        return (f't_start={self.t_start}, t_end={self.t_end}, '
                f'temperature={value:.4f}')
