# Copyright (c) zkd_mm contributors. All rights reserved.
"""Registries of the ``zkd_mm`` scope, for configs inherited by package name.

A config that inherits ``_base_ = ['zkd_mm::cifar100/<name>.py']`` gets
``_scope_='zkd_mm'`` in every top-level dict with a ``type`` (dataset,
sampler, evaluator, optimizer, scheduler, ...) that does not set a scope,
because mmengine scopes an inherited package config by its package name.
mmengine then imports ``zkd_mm.registry`` and looks for registries of scope
``zkd_mm``. These are children of mmpretrain's, the default scope of
zkd_mm's configs, so such a dict builds exactly as it does when the config
file is loaded by path. zkd_mm registers nothing here: its components live
in MMRazor's and mmpretrain's registries, and zkd_mm's configs name them
with ``_scope_='mmrazor'`` or an ``mmrazor.`` prefix.
"""
from mmengine.registry import Registry
from mmpretrain import registry as _mmpretrain

SCOPE = 'zkd_mm'


def _child(parent: Registry) -> Registry:
    # A registry imports its own ``locations`` before a look-up, not its
    # parents', so import mmpretrain's modules of this registry, and zkd_mm
    # (whose components register into mmpretrain's and MMRazor's).
    locations = ['zkd_mm', *getattr(parent, '_locations', [])]
    return Registry(
        parent.name, parent=parent, scope=SCOPE, locations=locations)


RUNNERS = _child(_mmpretrain.RUNNERS)
RUNNER_CONSTRUCTORS = _child(_mmpretrain.RUNNER_CONSTRUCTORS)
LOOPS = _child(_mmpretrain.LOOPS)
HOOKS = _child(_mmpretrain.HOOKS)
LOG_PROCESSORS = _child(_mmpretrain.LOG_PROCESSORS)
OPTIMIZERS = _child(_mmpretrain.OPTIMIZERS)
OPTIM_WRAPPERS = _child(_mmpretrain.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(_mmpretrain.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(_mmpretrain.PARAM_SCHEDULERS)
DATASETS = _child(_mmpretrain.DATASETS)
DATA_SAMPLERS = _child(_mmpretrain.DATA_SAMPLERS)
TRANSFORMS = _child(_mmpretrain.TRANSFORMS)
MODELS = _child(_mmpretrain.MODELS)
MODEL_WRAPPERS = _child(_mmpretrain.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(_mmpretrain.WEIGHT_INITIALIZERS)
TASK_UTILS = _child(_mmpretrain.TASK_UTILS)
METRICS = _child(_mmpretrain.METRICS)
EVALUATORS = _child(_mmpretrain.EVALUATORS)
VISUALIZERS = _child(_mmpretrain.VISUALIZERS)
VISBACKENDS = _child(_mmpretrain.VISBACKENDS)

__all__ = [
    'RUNNERS', 'RUNNER_CONSTRUCTORS', 'LOOPS', 'HOOKS', 'LOG_PROCESSORS',
    'OPTIMIZERS', 'OPTIM_WRAPPERS', 'OPTIM_WRAPPER_CONSTRUCTORS',
    'PARAM_SCHEDULERS', 'DATASETS', 'DATA_SAMPLERS', 'TRANSFORMS', 'MODELS',
    'MODEL_WRAPPERS', 'WEIGHT_INITIALIZERS', 'TASK_UTILS', 'METRICS',
    'EVALUATORS', 'VISUALIZERS', 'VISBACKENDS'
]
