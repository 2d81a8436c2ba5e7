# Copyright (c) zkd_mm contributors. All rights reserved.
"""One teacher-forward policy for the single- and the multi-view algorithm.

Seen before: the single-view algorithm ran a frozen teacher in
``mode='loss'`` (MMRazor's), computing a CE that it threw away, while the
multi-view one used ``mode='tensor'``; and ``student_trainable=False``
still trained the student whenever its own loss was computed.
"""
import copy

import pytest
import torch
from mmengine.registry import DefaultScope

from tests.tiny_distill import (ZSCORE_KD_DISTILLER, batch, build_algorithm,
                                dkd_distiller)

import zkd_mm  # noqa: F401  isort: skip
from mmrazor.registry import MODELS  # isort: skip

DKD_DISTILLER = dkd_distiller(tau=2.0, beta=8.0)


def _multi_view(**kwargs):
    algorithm = build_algorithm(ZSCORE_KD_DISTILLER, **kwargs)
    cfg = dict(type='MultiViewSingleTeacherDistill',
               architecture=algorithm.student, teacher=algorithm.teacher,
               distiller=copy.deepcopy(ZSCORE_KD_DISTILLER),
               allow_random_teacher=True, **kwargs)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        return MODELS.build(cfg)


def _count_calls(module: torch.nn.Module) -> list:
    calls = []
    module.register_forward_hook(lambda *_: calls.append(1))
    return calls


def _inputs(algorithm):
    inputs, samples, _ = batch()
    if type(algorithm).__name__.startswith('MultiView'):
        return [inputs, inputs.flip(3)], samples
    return inputs, samples


@pytest.mark.parametrize('build', [
    lambda **kw: build_algorithm(ZSCORE_KD_DISTILLER, **kw), _multi_view
], ids=['single-view', 'multi-view'])
def test_a_frozen_teacher_computes_no_loss_of_its_own(build):
    algorithm = build()
    algorithm.train()
    teacher_ce = _count_calls(algorithm.teacher.head.loss_module)
    teacher_fc = _count_calls(algorithm.teacher.head.fc)
    student_ce = _count_calls(algorithm.student.head.loss_module)
    losses = algorithm.loss(*_inputs(algorithm))
    views = 2 if isinstance(_inputs(algorithm)[0], list) else 1
    assert (len(teacher_ce), len(teacher_fc), len(student_ce)) == (0, views,
                                                                   views)
    assert not any(k.startswith('teacher') for k in losses)


@pytest.mark.parametrize('build', [
    lambda **kw: build_algorithm(ZSCORE_KD_DISTILLER, **kw), _multi_view
], ids=['single-view', 'multi-view'])
def test_a_trainable_teacher_logs_its_losses(build):
    algorithm = build(teacher_trainable=True)
    algorithm.train()
    losses = algorithm.loss(*_inputs(algorithm))
    teacher = sorted(k for k in losses if k.startswith('teacher'))
    assert teacher == (['teacher.loss'] if 'Multi' not in type(
        algorithm).__name__ else ['teacher.strong.loss', 'teacher.weak.loss'])
    assert losses[teacher[0]].requires_grad


@pytest.mark.parametrize('calculate_student_loss', [True, False])
@pytest.mark.parametrize('build', [
    lambda **kw: build_algorithm(ZSCORE_KD_DISTILLER, **kw), _multi_view
], ids=['single-view', 'multi-view'])
def test_student_trainable_false_gives_the_student_no_gradient(
        build, calculate_student_loss):
    algorithm = build(student_trainable=False,
                      calculate_student_loss=calculate_student_loss)
    algorithm.train()
    losses = algorithm.loss(*_inputs(algorithm))
    assert any(k.startswith('student') for k in losses) is (
        calculate_student_loss)
    assert not any(v.requires_grad for v in losses.values())


def test_the_distill_loss_equals_mmrazors_single_teacher_distill():
    """Same numbers as MMRazor's algorithm, one teacher CE fewer; DKD's
    labels are still recorded at the student's loss module."""
    ours = build_algorithm(DKD_DISTILLER)
    cfg = dict(type='SingleTeacherDistill', architecture=ours.student,
               teacher=ours.teacher, distiller=copy.deepcopy(DKD_DISTILLER))
    with DefaultScope.overwrite_default_scope('mmrazor'):
        theirs = MODELS.build(cfg)
    inputs, samples, _ = batch()
    for model in (ours, theirs):
        model.train()
        model.teacher.eval()
    a, b = ours.loss(inputs, samples), theirs.loss(inputs, samples)
    assert sorted(a) == sorted(b) == ['distill.loss_dkd', 'student.loss']
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=0, atol=0)
