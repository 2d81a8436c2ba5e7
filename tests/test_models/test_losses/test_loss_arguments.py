# Copyright (c) zkd_mm contributors. All rights reserved.
"""Bad loss arguments are errors at build time that name the argument.

Seen before: ``loss_weight=-9`` trained the student to 0 %, and a NaN or
inf ``tau``, ``eps`` or ``loss_weight`` was accepted (the error came later
and blamed the logits).
"""
import math

import pytest
from mmengine.registry import DefaultScope

from tests.tiny_distill import build_algorithm, dkd_distiller, fc_recorders

import zkd_mm  # noqa: F401  isort: skip
from mmrazor.registry import MODELS  # isort: skip

ALL_LOSSES = ('ZScoreKLDivergence', 'CTKDLoss',
              'MLKDInstanceLoss', 'MLKDClassLoss', 'MLKDBatchLoss')
BAD = [(-9.0, 'must be >= 0, got -9.0'), (math.nan, 'must be finite, got nan'),
       (math.inf, 'must be finite, got inf'), ('x', "must be a number, got 'x'")]


def _build(type: str, **kwargs):  # noqa: A002 (the config key)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        return MODELS.build(dict(type=type, **kwargs))


@pytest.mark.parametrize('loss_type', ALL_LOSSES)
@pytest.mark.parametrize('value, problem', BAD)
def test_loss_weight(loss_type, value, problem):
    with pytest.raises(ValueError, match=f'^{loss_type}: loss_weight '
                       f'{problem}'):
        _build(loss_type, loss_weight=value)
    assert _build(loss_type, loss_weight=0.0).loss_weight == 0.0


@pytest.mark.parametrize('loss_type', ['ZScoreKLDivergence'])
@pytest.mark.parametrize('value, problem', [(0.0, 'must be > 0, got 0.0'),
                                            *BAD])
def test_tau(loss_type, value, problem):
    problem = problem.replace('>= 0', '> 0')
    with pytest.raises(ValueError, match=f'^{loss_type}: tau {problem}'):
        _build(loss_type, tau=value)


@pytest.mark.parametrize(
    'loss_type',
    ['ZScoreKLDivergence', 'CTKDLoss', 'MLKDInstanceLoss'])
@pytest.mark.parametrize('value, problem', BAD)
def test_eps(loss_type, value, problem):
    with pytest.raises(ValueError, match=f'^{loss_type}: eps {problem}'):
        _build(loss_type, eps=value)


@pytest.mark.parametrize('arg', ['alpha', 'beta'])
def test_mmrazor_dkd_weights_are_checked_by_the_algorithm(arg):
    with pytest.raises(ValueError, match=f"^distill loss 'loss_dkd' "
                       rf'\(DKDLoss\): {arg} must be >= 0, got -1'):
        build_algorithm(dkd_distiller(**{arg: -1}))


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
def test_mmrazor_dkd_batch_sum_reductions_are_refused(reduction):
    """MMRazor's DKD config uses 'mean', which sums over the batch."""
    with pytest.raises(ValueError) as error:
        build_algorithm(dkd_distiller(reduction=reduction))
    assert str(error.value) == (
        "distill loss 'loss_dkd' (DKDLoss): reduction must be 'batchmean', "
        f"got {reduction!r}. MMRazor's DKDLoss sums over the batch with any "
        "other reduction; 'batchmean' is the paper's per-sample mean.")
    build_algorithm(dkd_distiller(reduction='batchmean'))


@pytest.mark.parametrize('arg, value, problem', [
    ('t_start', 0.0, 'must be > 0'), ('t_end', math.inf, 'must be finite'),
    ('init_theta', math.nan, 'must be finite')
])
def test_ctkd_temperature_range(arg, value, problem):
    with pytest.raises(ValueError, match=f'CTKDLoss: {arg} {problem}'):
        _build('CTKDLoss', **{arg: value})


@pytest.mark.parametrize('temperatures', [(4.0, math.nan), (4.0, -1.0), ()])
def test_mlkd_temperatures(temperatures):
    with pytest.raises(ValueError, match='finite positive numbers'):
        _build('MLKDBatchLoss', temperatures=temperatures)


def test_standardizer_eps():
    with pytest.raises(ValueError, match='eps must be finite'):
        _build('LogitStandardizedDistiller', standardized_recorders=['fc'],
               student_recorders=fc_recorders(),
               teacher_recorders=fc_recorders(), eps=math.inf)


def _kd_distiller(loss: dict) -> dict:
    return dict(
        type='ConfigurableDistiller',
        student_recorders=fc_recorders(),
        teacher_recorders=fc_recorders(),
        distill_losses=dict(loss_kl=loss),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'))))


def test_any_distill_loss_weight_is_checked_by_the_algorithm():
    """MMRazor's own KLDivergence accepts -9; the algorithm does not."""
    with pytest.raises(ValueError, match=r"distill loss 'loss_kl' "
                       r'\(KLDivergence\): loss_weight must be >= 0, got -9'):
        build_algorithm(_kd_distiller(
            dict(type='KLDivergence', tau=4, loss_weight=-9)))


def test_a_distillation_without_teacher_weights_needs_an_opt_in():
    distiller = _kd_distiller(dict(type='ZScoreKLDivergence'))
    with pytest.raises(ValueError, match='the teacher has no weights: '
                       'model.teacher_ckpt is not set'):
        build_algorithm(distiller, allow_random_teacher=False)
    with pytest.raises(ValueError,
                       match='model.teacher_ckpt is an empty string'):
        build_algorithm(distiller, teacher_ckpt='')
    build_algorithm(distiller, allow_random_teacher=True)
