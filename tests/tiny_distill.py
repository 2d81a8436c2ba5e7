# Copyright (c) zkd_mm contributors. All rights reserved.
"""Tiny real MMRazor distillation models for unit tests."""
import copy

import torch
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

import zkd_mm  # noqa: F401  (compat layer, registration)

from mmrazor.registry import MODELS  # isort: skip

NUM_CLASSES = 10


def classifier_cfg(depth: int = 18, num_classes: int = NUM_CLASSES) -> dict:
    """An mmpretrain ResNet ImageClassifier config."""
    return dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=depth, num_stages=4,
                      out_indices=(3, )),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=num_classes,
                  in_channels=512,
                  loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))


def fc_recorders(with_labels: bool = False) -> dict:
    recorders = dict(fc=dict(type='ModuleOutputs', source='head.fc'))
    if with_labels:
        recorders['gt_labels'] = dict(
            type='ModuleInputs', source='head.loss_module')
    return recorders


# KD + Z-score between the two heads' fc outputs.
ZSCORE_KD_DISTILLER = dict(
    type='ConfigurableDistiller',
    student_recorders=fc_recorders(),
    teacher_recorders=fc_recorders(),
    distill_losses=dict(loss_kl=dict(type='ZScoreKLDivergence')),
    loss_forward_mappings=dict(
        loss_kl=dict(
            preds_S=dict(from_student=True, recorder='fc'),
            preds_T=dict(from_student=False, recorder='fc'))))


def dkd_distiller(**loss) -> dict:
    """MMRazor's DKDLoss between the fc outputs, labels recorded at the
    student's loss module (as the DKD configs)."""
    return dict(
        type='ConfigurableDistiller',
        student_recorders=fc_recorders(with_labels=True),
        teacher_recorders=fc_recorders(),
        distill_losses=dict(loss_dkd=dict(type='DKDLoss', **loss)),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                gt_labels=dict(recorder='gt_labels', from_student=True,
                               data_idx=1))))


def build_algorithm(distiller: dict, **kwargs):
    """A ``CheckedSingleTeacherDistill`` of ResNet-34 -> ResNet-18.

    Without ``teacher_ckpt`` the teacher is random, on purpose.
    """
    cfg = dict(
        type='CheckedSingleTeacherDistill',
        architecture=classifier_cfg(18),
        teacher=classifier_cfg(34),
        distiller=copy.deepcopy(distiller),
        allow_random_teacher='teacher_ckpt' not in kwargs)
    cfg.update(kwargs)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        return MODELS.build(cfg)


def batch(size: int = 4, seed: int = 0, image_size: int = 32):
    """Inputs and data samples as the data preprocessor would give them."""
    gen = torch.Generator().manual_seed(seed)
    inputs = torch.randn(size, 3, image_size, image_size, generator=gen)
    labels = torch.randint(0, NUM_CLASSES, (size, ), generator=gen)
    samples = [DataSample().set_gt_label(int(label)) for label in labels]
    return inputs, samples, labels
