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
- a resume or test checkpoint is loaded strictly (``StrictLoadHook``);
- :func:`zkd_mm.engine.teacher_setup.prepare_teacher` decides where the
  teacher's weights come from (the resume or test checkpoint when it holds
  the teacher: no download).

A user's own checkpoint hook or train loop type is kept, with a warning.
"""
from typing import List

from mmengine.config import Config, ConfigDict
from mmengine.logging import print_log

from .resume import find_resumable_checkpoint
from .teacher_setup import prepare_teacher

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


def _strict_load(cfg: Config, done: List[str]) -> None:
    checkpoint = cfg.get('load_from')
    if not checkpoint:
        return
    _add_custom_hook(cfg, 'mmrazor.StrictLoadHook', done)


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
    prepare_teacher(cfg, cfg.get('load_from') if cfg.get('resume') else None)
    _log(f'zkd_mm run safety: {", ".join(done)}.')


def prepare_test(cfg: Config) -> None:
    """Make a test run load its checkpoint strictly, teacher included.

    Args:
        cfg (Config): The merged config, ``load_from`` set.
    """
    done: List[str] = []
    _strict_load(cfg, done)
    prepare_teacher(cfg, cfg.get('load_from'))
    if done:
        _log(f'zkd_mm run safety: {", ".join(done)}.')
