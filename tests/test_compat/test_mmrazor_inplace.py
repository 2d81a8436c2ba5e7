# Copyright (c) zkd_mm contributors. All rights reserved.
"""MMRazor's ``module_inplace=False`` reaches every submodule again.

Since torch 2.5 ``Module._modules`` is a plain dict, which MMRazor 1.0.0's
``set_module_inplace_false`` does not walk: in-place ReLUs stayed in
place, and a recorder on a BatchNorm followed by one recorded the
post-ReLU tensor (OFD's "pre-ReLU" features all had minimum +0.0).
"""
import torch
import torch.nn as nn
from mmengine.registry import DefaultScope

from tests.tiny_distill import batch, classifier_cfg

import zkd_mm  # noqa: F401  isort: skip
from mmrazor.registry import MODELS  # isort: skip


def test_modules_are_a_plain_dict_on_this_torch():
    assert type(nn.Module()._modules) is dict


def test_every_relu_is_out_of_place_and_a_bn_recorder_sees_negatives():
    recorders = dict(bn1=dict(type='ModuleOutputs', source='backbone.bn1'))
    cfg = dict(
        type='SingleTeacherDistill',  # MMRazor's own algorithm
        architecture=classifier_cfg(18),
        teacher=classifier_cfg(18),
        distiller=dict(
            type='ConfigurableDistiller',
            student_recorders=recorders,
            teacher_recorders=recorders,
            distill_losses=dict(loss_l2=dict(type='L2Loss')),
            loss_forward_mappings=dict(
                loss_l2=dict(
                    s_feature=dict(from_student=True, recorder='bn1'),
                    t_feature=dict(from_student=False, recorder='bn1')))))
    with DefaultScope.overwrite_default_scope('mmrazor'):
        algorithm = MODELS.build(cfg)
    relus = [m for m in algorithm.modules() if isinstance(m, nn.ReLU)]
    assert relus and not any(m.inplace for m in relus)

    inputs, samples, _ = batch()
    algorithm.loss(inputs, samples)
    for manager in (algorithm.distiller.student_recorders,
                    algorithm.distiller.teacher_recorders):
        record = manager.get_recorder('bn1').get_record_data()
        assert record.min() < 0  # BatchNorm output, before the ReLU
    assert torch.is_tensor(record)
