# Copyright (c) zkd_mm contributors. All rights reserved.
"""Teacher checkpoint checks and the frozen teacher."""
import re

import numpy as np
import pytest
import torch
from mmengine.logging import MMLogger

from tests.tiny_distill import ZSCORE_KD_DISTILLER as DISTILLER
from tests.tiny_distill import batch, build_algorithm, classifier_cfg
from zkd_mm.models.algorithms import TeacherCheckpointError


@pytest.fixture(scope='module')
def teacher_state():
    torch.manual_seed(0)
    return build_algorithm(DISTILLER).teacher.state_dict()


def save(path, state, prefix=''):
    torch.save(
        {
            'meta': {'seed': np.int64(0)},
            'state_dict': {prefix + k: v for k, v in state.items()}
        }, path)
    return str(path)


def test_loads_a_fitting_checkpoint(tmp_path, teacher_state):
    algorithm = build_algorithm(
        DISTILLER, teacher_ckpt=save(tmp_path / 't.pth', teacher_state))
    for key, value in algorithm.teacher.state_dict().items():
        assert torch.equal(value, teacher_state[key]), key


def test_wrong_prefix_is_an_error_with_the_fix(tmp_path, teacher_state):
    path = save(tmp_path / 'kd.pth', teacher_state, prefix='teacher.')
    with pytest.raises(TeacherCheckpointError,
                       match="teacher_ckpt_prefix='teacher.'"):
        build_algorithm(DISTILLER, teacher_ckpt=path)
    algorithm = build_algorithm(
        DISTILLER, teacher_ckpt=path, teacher_ckpt_prefix='teacher.')
    key = 'head.fc.weight'
    assert torch.equal(algorithm.teacher.state_dict()[key],
                       teacher_state[key])


def test_other_architecture_is_an_error(tmp_path):
    torch.manual_seed(1)
    other = build_algorithm(
        DISTILLER, teacher=classifier_cfg(18)).teacher.state_dict()
    with pytest.raises(TeacherCheckpointError,
                       match='does not fit the teacher') as error:
        build_algorithm(DISTILLER,
                        teacher_ckpt=save(tmp_path / 'r18.pth', other))
    # The counts agree: matched + missing = required (num_batches_tracked
    # buffers are optional in both).
    counts = re.search(r'(\d+) of (\d+) keys match; (\d+) are missing',
                       str(error.value))
    matched, required, missing = map(int, counts.groups())
    assert matched + missing == required == 182 and matched == 102
    other_classes = build_algorithm(
        DISTILLER, teacher=classifier_cfg(34, num_classes=7),
        architecture=classifier_cfg(18, num_classes=7)).teacher.state_dict()
    with pytest.raises(TeacherCheckpointError,
                       match=r'head.fc.weight: checkpoint \(7, 512\)'):
        build_algorithm(DISTILLER,
                        teacher_ckpt=save(tmp_path / 'c7.pth',
                                          other_classes))


def test_missing_keys_are_logged_or_fatal(tmp_path, teacher_state):
    partial = {k: v for k, v in teacher_state.items() if 'layer4' not in k}
    path = save(tmp_path / 'partial.pth', partial)
    with pytest.raises(TeacherCheckpointError,
                       match=r'are missing \(backbone'):
        build_algorithm(DISTILLER, teacher_ckpt=path)
    logger = MMLogger.get_current_instance()
    records = []
    handler = type('H', (__import__('logging').Handler, ), {
        'emit': lambda self, record: records.append(record.getMessage())
    })()
    logger.addHandler(handler)
    try:
        build_algorithm(DISTILLER, teacher_ckpt=path,
                        teacher_ckpt_min_matched_ratio=0.5)
    finally:
        logger.removeHandler(handler)
    assert any('missing keys' in r and 'layer4' in r for r in records)


def test_class_count_mismatch_is_an_error():
    with pytest.raises(ValueError, match='predicts 10 classes but the '
                       'teacher head predicts 7'):
        build_algorithm(DISTILLER, teacher=classifier_cfg(34, num_classes=7))


def test_frozen_teacher_is_fully_in_eval_without_grads():
    teacher = classifier_cfg(34)
    teacher['backbone']['drop_path_rate'] = 0.5  # not a norm layer
    algorithm = build_algorithm(DISTILLER, teacher=teacher)
    algorithm.train()
    assert algorithm.student.training
    assert not any(m.training for m in algorithm.teacher.modules())
    assert any('DropPath' in type(m).__name__
               for m in algorithm.teacher.modules())
    assert not any(p.requires_grad for p in algorithm.teacher.parameters())
    inputs, samples, _ = batch()
    losses = algorithm.loss(inputs, samples)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert all(p.grad is None for p in algorithm.teacher.parameters())
