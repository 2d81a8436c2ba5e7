# Copyright (c) zkd_mm contributors. All rights reserved.
"""Where the teacher's weights come from, decided before the Runner exists.

:func:`prepare_teacher` changes a distillation config in place and logs
what it did:

- MMRazor's ``SingleTeacherDistill`` runs as ``CheckedSingleTeacherDistill``
  (same arguments): a teacher checkpoint of another architecture, with
  another prefix or with torchvision's key names is an error instead of a
  random teacher, and the frozen teacher stays in eval;
- a teacher built with ``cfg_path=..., pretrained=True`` (MMRazor's
  configs) is not downloaded when ``teacher_ckpt`` is given, which the
  algorithm loads over it anyway;
- with a resume or test checkpoint that holds the whole algorithm, teacher
  included, the teacher comes from it: ``teacher_ckpt`` is not read and
  nothing is downloaded.
"""
import pickle
from typing import Optional, Set

import torch
from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.registry import DefaultScope
from mmengine.runner import CheckpointLoader

from zkd_mm.models.utils.state_dict_diff import (STUDENT_PREFIX,
                                                 TEACHER_PREFIX,
                                                 CheckpointMismatchError)

_PLAIN = ('SingleTeacherDistill', 'mmrazor.SingleTeacherDistill')


def _log(message: str) -> None:
    print_log(message, logger='current')


def checkpoint_keys(checkpoint: str) -> Set[str]:
    """The state-dict keys of a checkpoint (weights only; memory-mapped
    where possible)."""
    try:
        loaded = torch.load(
            checkpoint, map_location='cpu', weights_only=True, mmap=True)
    except (OSError, RuntimeError, ValueError, pickle.UnpicklingError):
        loaded = CheckpointLoader.load_checkpoint(
            checkpoint, map_location='cpu', logger='silent')
    state = loaded.get('state_dict', loaded) if isinstance(loaded,
                                                           dict) else {}
    return {key.replace('module.', '', 1) for key in state}


def _algorithm_class(cfg: Config) -> Optional[type]:
    from mmrazor.registry import MODELS
    model = cfg.get('model') or {}
    if not isinstance(model.get('type'), str):
        return None
    scope = model.get('_scope_') or cfg.get('default_scope') or 'mmrazor'
    with DefaultScope.overwrite_default_scope(scope):
        return MODELS.get(model['type'])


def _from_checkpoint(cfg: Config, checkpoint: str) -> None:
    model = cfg.model
    keys = checkpoint_keys(checkpoint)
    if not any(key.startswith(STUDENT_PREFIX) for key in keys):
        raise CheckpointMismatchError(
            f'Checkpoint {checkpoint} holds no distillation model (no key '
            f'starts with {STUDENT_PREFIX!r}): it is a student-only '
            'checkpoint (as tools/model_converters/'
            'convert_kd_ckpt_to_student.py writes) or another model\'s. '
            'Test a student-only checkpoint with the config of the student '
            'alone, e.g. the mmpretrain config of that architecture.')
    if not any(key.startswith(TEACHER_PREFIX) for key in keys):
        return
    from zkd_mm.models.algorithms import CheckedSingleTeacherDistill
    model.teacher_ckpt = None
    if isinstance(model.teacher, dict) and model.teacher.get('pretrained'):
        model.teacher.pretrained = False
    cls = _algorithm_class(cfg)
    if isinstance(cls, type) and issubclass(cls, CheckedSingleTeacherDistill):
        model.teacher_from_checkpoint = checkpoint
    _log(f'The teacher is loaded from {checkpoint}; model.teacher_ckpt is '
         'not read.')


def prepare_teacher(cfg: Config, checkpoint: Optional[str] = None) -> None:
    """Decide where the teacher's weights come from (module docstring).

    Args:
        cfg (Config): The merged config.
        checkpoint (str, optional): A resume or test checkpoint of the whole
            model.
    """
    model = cfg.get('model') or {}
    if 'teacher' not in model or 'architecture' not in model:
        return
    if model.get('type') in _PLAIN:
        model.type = 'CheckedSingleTeacherDistill'
        _log('SingleTeacherDistill runs as CheckedSingleTeacherDistill: the '
             'teacher checkpoint is checked before it is loaded.')
    teacher = model.teacher
    if (isinstance(teacher, dict) and teacher.get('pretrained')
            and model.get('teacher_ckpt')):
        teacher.pretrained = False
        _log(f'The teacher is built without its pretrained download: '
             f'model.teacher_ckpt ({model.teacher_ckpt}) is loaded into it.')
    if checkpoint:
        _from_checkpoint(cfg, checkpoint)
