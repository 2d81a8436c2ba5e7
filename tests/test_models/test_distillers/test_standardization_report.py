# Copyright (c) zkd_mm contributors. All rights reserved.
"""The start-up line per distill loss says whether (and by what) its inputs
are Z-scored: by the loss or by ``LogitStandardizedDistiller``."""
from tests.tiny_distill import build_algorithm, fc_recorders

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.models.distillers import describe_distill_losses  # isort: skip


def _mapping():
    return dict(preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'))


def _lines(loss, distiller_type='ConfigurableDistiller', **extra):
    algorithm = build_algorithm(
        dict(type=distiller_type, student_recorders=fc_recorders(),
             teacher_recorders=fc_recorders(),
             distill_losses=dict(loss_kl=loss),
             loss_forward_mappings=dict(loss_kl=_mapping()), **extra))
    return describe_distill_losses(algorithm)


def test_each_way_of_switching_zscore_on_is_named():
    assert _lines(dict(type='ZScoreKLDivergence')) == [
        'distill loss loss_kl (ZScoreKLDivergence): inputs Z-scored by the '
        'loss'
    ]
    assert _lines(dict(type='KLDivergence'),
                  'LogitStandardizedDistiller',
                  standardized_recorders=['fc']) == [
        'distill loss loss_kl (KLDivergence): preds_S, preds_T Z-scored by '
        'LogitStandardizedDistiller (recorders fc)'
    ]


def test_plain_losses_and_switched_off_flags_say_not():
    assert _lines(dict(type='KLDivergence')) == [
        'distill loss loss_kl (KLDivergence): not Z-scored'
    ]
    assert _lines(dict(type='CTKDLoss', standardize=False)) == [
        'distill loss loss_kl (CTKDLoss): not Z-scored'
    ]


def test_standardizing_twice_is_pointed_out():
    (line, ) = _lines(dict(type='ZScoreKLDivergence'),
                      'LogitStandardizedDistiller',
                      standardized_recorders=['fc'])
    assert 'standardized more than once' in line


def test_a_model_without_distiller_has_no_lines():
    import torch.nn as nn
    assert describe_distill_losses(nn.Linear(2, 2)) == []
