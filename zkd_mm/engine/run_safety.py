# Copyright (c) zkd_mm contributors. All rights reserved.
"""What zkd_mm's tools add to every run, so that no work is lost.

:func:`prepare_train` and :func:`prepare_test` change a merged config in
place, before the Runner is built, and log what they did:

- mmengine's ``CheckpointHook`` becomes ``AtomicCheckpointHook`` (atomic
  saves; old checkpoints deleted only after the new one is complete);
- an epoch-based train loop becomes ``ResumableEpochBasedTrainLoop``
  (per-epoch seeding, resuming inside an epoch);
- ``PreemptionHook`` (SIGTERM, SIGINT, SIGUSR1: save, then exit 75) and
  ``FiniteCheckHook`` (no NaN or inf gradients, weights or checkpoints)
  join ``custom_hooks``;
- ``--resume`` (auto) takes the newest intact checkpoint
  (:func:`find_resumable_checkpoint`);
- a resume or test checkpoint is loaded strictly (``StrictLoadHook``) and,
  when it holds the teacher, the teacher comes from it: ``teacher_ckpt``
  is not read (no download) and a pretrained teacher is not downloaded.

A user's own checkpoint hook or train loop type is kept, with a warning.
"""
import pickle
from typing import List, Optional, Set

import torch
from mmengine.config import Config, ConfigDict
from mmengine.logging import print_log
from mmengine.registry import DefaultScope
from mmengine.runner import CheckpointLoader

from zkd_mm.models.utils.state_dict_diff import (STUDENT_PREFIX,
                                                 TEACHER_PREFIX,
                                                 CheckpointMismatchError)
from .resume import find_resumable_checkpoint

_CHECKPOINT_HOOKS = ('CheckpointHook', 'mmengine.CheckpointHook')
_EPOCH_LOOPS = ('EpochBasedTrainLoop', 'mmengine.EpochBasedTrainLoop')
_WARNING = 30


def _log(message: str, level: int = 20) -> None:
    print_log(message, logger='current', level=level)


def _add_custom_hook(cfg: Config, hook_type: str, done: List[str]) -> None:
    hooks = list(cfg.get('custom_hooks') or [])
    names = {str(hook.get('type', '')).split('.')[-1] for hook in hooks}
    if hook_type.split('.')[-1] not in names:
        hooks.append(ConfigDict(type=hook_type))
        cfg.custom_hooks = hooks
    done.append(hook_type.split('.')[-1])


def _use_atomic_checkpoints(cfg: Config, done: List[str]) -> None:
    hook = (cfg.get('default_hooks') or {}).get('checkpoint')
    if not hook:
        return
    if hook.get('type') in _CHECKPOINT_HOOKS:
        hook['type'] = 'mmrazor.AtomicCheckpointHook'
        done.append('AtomicCheckpointHook')
    elif 'AtomicCheckpointHook' not in str(hook.get('type')):
        _log(f'default_hooks.checkpoint is {hook.get("type")}, not '
             'CheckpointHook: its saves are not made atomic.', _WARNING)


def _use_resumable_loop(cfg: Config, done: List[str]) -> None:
    train_cfg = cfg.get('train_cfg')
    if not train_cfg:
        return
    loop_type = train_cfg.get('type')
    if loop_type is None and train_cfg.get('by_epoch', False):
        train_cfg.pop('by_epoch')
    elif loop_type not in _EPOCH_LOOPS:
        if loop_type is not None and 'Resumable' not in str(loop_type):
            _log(f'train_cfg.type is {loop_type}: a resume inside an epoch '
                 'is not exact with it.', _WARNING)
        return
    train_cfg['type'] = 'mmrazor.ResumableEpochBasedTrainLoop'
    done.append('ResumableEpochBasedTrainLoop')


def checkpoint_keys(checkpoint: str) -> Set[str]:
    """The state-dict keys of a checkpoint (weights-only, memory-mapped
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


def _teacher_from(cfg: Config, checkpoint: str) -> None:
    """Take the teacher from a whole-algorithm checkpoint that holds it."""
    model = cfg.model
    if 'teacher' not in model or 'architecture' not in model:
        return
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


def _strict_load(cfg: Config, done: List[str]) -> None:
    checkpoint = cfg.get('load_from')
    if not checkpoint:
        return
    _add_custom_hook(cfg, 'mmrazor.StrictLoadHook', done)
    _teacher_from(cfg, checkpoint)


def _resolve_resume(cfg: Config) -> None:
    if not cfg.get('resume') or cfg.get('load_from') is not None:
        return
    found = find_resumable_checkpoint(cfg.work_dir)
    if found is None:
        cfg.resume = False
        _log(f'--resume: no checkpoint in {cfg.work_dir}; training starts '
             'from the beginning.')
    else:
        cfg.load_from = found
        _log(f'--resume: resuming from {found}.')


def prepare_train(cfg: Config) -> None:
    """Make a training run safe; see the module docstring.

    Args:
        cfg (Config): The merged config, with ``work_dir``, ``resume`` and
            ``load_from`` already set from the command line.
    """
    done: List[str] = []
    _use_atomic_checkpoints(cfg, done)
    _use_resumable_loop(cfg, done)
    _add_custom_hook(cfg, 'mmrazor.PreemptionHook', done)
    _add_custom_hook(cfg, 'mmrazor.FiniteCheckHook', done)
    _resolve_resume(cfg)
    if cfg.get('resume'):
        _strict_load(cfg, done)
    _log(f'zkd_mm run safety: {", ".join(done)}.')


def prepare_test(cfg: Config) -> None:
    """Make a test run load its checkpoint strictly, teacher included.

    Args:
        cfg (Config): The merged config, ``load_from`` set.
    """
    done: List[str] = []
    _strict_load(cfg, done)
    if done:
        _log(f'zkd_mm run safety: {", ".join(done)}.')
