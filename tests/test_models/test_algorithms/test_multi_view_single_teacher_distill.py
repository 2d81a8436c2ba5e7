# Copyright (c) zkd_mm contributors. All rights reserved.
"""``MultiViewSingleTeacherDistill``: both models on every view (MLKD)."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import DefaultScope

from tests.tiny_distill import batch, classifier_cfg, fc_recorders

import zkd_mm  # noqa: F401  isort: skip
from mmrazor.registry import MODELS  # isort: skip
from zkd_mm.models.losses import (MLKDBatchLoss, MLKDClassLoss,  # isort: skip
                                  MLKDInstanceLoss)

TEMPERATURES = (2.0, 3.0, 5.0, 2.0, 6.0)


def _record(from_student, index):
    return dict(from_student=from_student, recorder='fc', record_idx=index)


MLKD_DISTILLER = dict(
    type='ConfigurableDistiller',
    student_recorders=fc_recorders(),
    teacher_recorders=fc_recorders(),
    distill_losses=dict(
        loss_instance=dict(type='MLKDInstanceLoss', standardize=True,
                           temperatures=TEMPERATURES, loss_weight=9.0),
        loss_class=dict(type='MLKDClassLoss', temperatures=TEMPERATURES,
                        loss_weight=9.0),
        loss_batch=dict(type='MLKDBatchLoss', temperatures=TEMPERATURES,
                        loss_weight=9.0)),
    loss_forward_mappings=dict(
        loss_instance=dict(
            preds_S_weak=_record(True, 0),
            preds_T_weak=_record(False, 0),
            preds_S_strong=_record(True, 1),
            preds_T_strong=_record(False, 1)),
        loss_class=dict(preds_S=_record(True, 0), preds_T=_record(False, 0)),
        loss_batch=dict(preds_S=_record(True, 0), preds_T=_record(False, 0))))


def _algorithm(**kwargs):
    cfg = dict(
        type='MultiViewSingleTeacherDistill',
        architecture=classifier_cfg(18),
        teacher=classifier_cfg(34),
        distiller=copy.deepcopy(MLKD_DISTILLER),
        allow_random_teacher=True)
    cfg.update(kwargs)
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        return MODELS.build(cfg)


def _two_views():
    weak, samples, labels = batch(size=6, seed=1)
    strong, _, _ = batch(size=6, seed=2)
    return [weak, strong], samples, labels


def test_losses_use_each_view_of_both_models():
    model = _algorithm()
    model.train()
    views, samples, labels = _two_views()
    losses = model.loss(views, samples)
    assert set(losses) == {
        'student.weak.loss', 'student.strong.loss', 'distill.loss_instance',
        'distill.loss_class', 'distill.loss_batch'
    }
    # Recompute every term from separate forward passes (train-mode BN
    # gives the same outputs for the same batch).
    with torch.no_grad():
        student = [model.student(v, mode='tensor') for v in views]
        teacher = [model.teacher(v, mode='tensor') for v in views]
    for name, logits in zip(('weak', 'strong'), student):
        assert losses[f'student.{name}.loss'].item() == pytest.approx(
            F.cross_entropy(logits, labels).item(), rel=1e-5)
    expected = {
        'distill.loss_instance': MLKDInstanceLoss(
            TEMPERATURES, standardize=True, loss_weight=9.0)(
                student[0], teacher[0], student[1], teacher[1]),
        'distill.loss_class': MLKDClassLoss(TEMPERATURES, loss_weight=9.0)(
            student[0], teacher[0]),
        'distill.loss_batch': MLKDBatchLoss(TEMPERATURES, loss_weight=9.0)(
            student[0], teacher[0]),
    }
    for key, value in expected.items():
        assert losses[key].item() == pytest.approx(value.item(), rel=1e-5)


def test_only_the_student_is_trained():
    model = _algorithm()
    model.train()
    views, samples, _ = _two_views()
    sum(model.loss(views, samples).values()).backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    assert model.student.head.fc.weight.grad.abs().sum() > 0
    assert not model.teacher.training


def test_a_single_view_batch_is_refused_with_the_fix():
    model = _algorithm()
    inputs, samples, _ = batch(size=4)
    with pytest.raises(ValueError, match='expects 2 views.*MultiView'):
        model.loss(inputs, samples)
    with pytest.raises(ValueError, match='got 3 views'):
        model.loss([inputs] * 3, samples)


def test_prediction_uses_one_view():
    model = _algorithm()
    model.eval()
    inputs, samples, _ = batch(size=4)
    with torch.no_grad():
        predictions = model(inputs, samples, mode='predict')
    assert len(predictions) == 4
    assert predictions[0].pred_score.shape == (10, )


def test_view_names_must_be_distinct():
    with pytest.raises(ValueError, match='distinct'):
        _algorithm(view_names=('weak', 'weak'))
