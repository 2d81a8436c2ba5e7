# Copyright (c) zkd_mm contributors. All rights reserved.
"""Which keys a config node accepts: the parameters of what it builds.

A config node with a ``type`` is built by a registry (with the scope of
its ``_scope_``, an ancestor's, or ``default_scope``); the parameters of
that class's (or function's) ``__init__`` are valid keys of the node,
following ``**kwargs`` up the class hierarchy while they are passed on.
Some nodes without ``type`` are built by mmengine's Runner with a known
class: ``*_dataloader`` (torch's ``DataLoader``), ``train_cfg`` (the
epoch- or iteration-based train loop), ``val_cfg``/``test_cfg``,
``optim_wrapper``, ``log_processor``, ``randomness``, ``env_cfg`` and
``auto_scale_lr``.
"""
import inspect
from typing import Any, Callable, List, Optional, Set, Tuple

import torch.nn as nn
from mmengine.registry import DefaultScope

# Registries to look a type up in, most likely first for a path fragment.
_BY_FRAGMENT = (('pipeline', 'TRANSFORMS'), ('transforms', 'TRANSFORMS'),
                ('sampler', 'DATA_SAMPLERS'), ('dataset', 'DATASETS'),
                ('optimizer', 'OPTIMIZERS'), ('optim_wrapper', 'OPTIM_WRAPPERS'),
                ('param_scheduler', 'PARAM_SCHEDULERS'), ('hooks', 'HOOKS'),
                ('recorders', 'TASK_UTILS'), ('evaluator', 'METRICS'),
                ('visualizer', 'VISUALIZERS'), ('vis_backends', 'VISBACKENDS'),
                ('_cfg', 'LOOPS'), ('model', 'MODELS'))
_ALL = ('MODELS', 'DATASETS', 'TRANSFORMS', 'DATA_SAMPLERS', 'HOOKS', 'LOOPS',
        'OPTIMIZERS', 'OPTIM_WRAPPERS', 'OPTIM_WRAPPER_CONSTRUCTORS',
        'PARAM_SCHEDULERS', 'METRICS', 'EVALUATOR', 'TASK_UTILS',
        'VISUALIZERS', 'VISBACKENDS', 'LOG_PROCESSORS', 'MODEL_WRAPPERS',
        'RUNNERS')
# Classes whose **kwargs end the walk: they accept nothing more.
_CLOSED = (object, nn.Module)
# Keys that the builders or the Runner take before the constructor.
_BUILDER_KEYS = {'type', '_scope_', 'init_cfg', '_delete_'}
_HOOK_KEYS = {'priority'}
_RANDOMNESS = {'seed', 'diff_rank_seed', 'deterministic'}
_ENV = {'cudnn_benchmark', 'mp_cfg', 'dist_cfg', 'resource_limit'}
_AUTO_SCALE_LR = {'enable', 'base_batch_size'}
_DATALOADER_EXTRA = {'sampler', 'batch_sampler', 'collate_fn', 'dataset'}
_OPTIM_WRAPPER_EXTRA = {'optimizer', 'paramwise_cfg', 'constructor'}


def callable_params(target: Callable) -> Tuple[Set[str], bool]:
    """Named parameters of ``target`` and whether it takes open ``**kwargs``.

    For a class, ``__init__`` is followed up the MRO while it passes
    ``**kwargs`` on; ``object`` and ``nn.Module`` end the walk (they
    accept no further keywords).
    """
    keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD,
               inspect.Parameter.KEYWORD_ONLY)
    functions = []
    if inspect.isclass(target):
        functions = [
            klass.__dict__['__init__'] for klass in target.__mro__
            if '__init__' in klass.__dict__ and klass not in _CLOSED
        ]
    else:
        functions = [target]
    names: Set[str] = set()
    for function in functions:
        try:
            parameters = inspect.signature(function).parameters.values()
        except (TypeError, ValueError):
            return names, True
        names |= {p.name for p in parameters if p.kind in keyword}
        if not any(p.kind == p.VAR_KEYWORD for p in parameters):
            return names - {'self'}, False
    open_kwargs = bool(functions) and not inspect.isclass(target)
    return names - {'self'}, open_kwargs


def _registries(path: str) -> List:
    import mmengine.registry as root
    names = [name for fragment, name in _BY_FRAGMENT if fragment in path]
    names += [name for name in _ALL if name not in names]
    return [getattr(root, name) for name in names]


def resolve_type(type_: Any, scope: Optional[str], path: str) -> Optional[Any]:
    """The class or function a node's ``type`` builds, or None."""
    if callable(type_):
        return type_
    if not isinstance(type_, str):
        return None
    for registry in _registries(path):
        with DefaultScope.overwrite_default_scope(scope):
            with registry.switch_scope_and_registry(scope) as scoped:
                found = scoped.get(type_)
        if found is not None:
            return found
    return None


def _runner_built(path: str,
                  node: dict) -> Optional[Tuple[Set[str], bool, str]]:
    """Keys of nodes the Runner builds without a ``type``, and what it
    builds there."""
    from mmengine.optim import OptimWrapper
    from mmengine.runner import (EpochBasedTrainLoop, IterBasedTrainLoop,
                                 LogProcessor, TestLoop, ValLoop)
    from torch.utils.data import DataLoader
    name = path.split('.')[-1]
    if name.endswith('_dataloader'):
        built, extra = DataLoader, _DATALOADER_EXTRA
    elif name == 'train_cfg':
        built = (EpochBasedTrainLoop
                 if node.get('by_epoch', True) else IterBasedTrainLoop)
        extra = {'by_epoch'}
    elif name in ('val_cfg', 'test_cfg'):
        built, extra = (ValLoop if name == 'val_cfg' else TestLoop), set()
    elif name == 'optim_wrapper':
        built, extra = OptimWrapper, _OPTIM_WRAPPER_EXTRA
    elif name == 'log_processor':
        built, extra = LogProcessor, set()
    else:
        fixed = dict(randomness=_RANDOMNESS, env_cfg=_ENV,
                     auto_scale_lr=_AUTO_SCALE_LR).get(name)
        return None if fixed is None else (fixed, False,
                                           f"the Runner's {name}")
    params, open_kwargs = callable_params(built)
    return params | extra, open_kwargs, (f'{built.__name__} (the Runner '
                                         'builds it)')


def node_params(path: str, node: dict,
                scope: Optional[str]) -> Optional[Tuple[Set[str], bool, str]]:
    """The keys ``node`` (at dotted ``path``) accepts.

    Returns:
        tuple | None: (parameter names, whether open ``**kwargs`` follow,
        what was looked at), or None when nothing is known about the node.
    """
    if 'type' in node:
        target = resolve_type(node['type'], node.get('_scope_', scope), path)
        if target is None:
            return None
        params, open_kwargs = callable_params(target)
        extra = _HOOK_KEYS if 'hooks' in path else set()
        return (params | _BUILDER_KEYS | extra, open_kwargs,
                getattr(target, '__name__', str(target)))
    built = _runner_built(path, node)
    if built is None:
        return None
    return built[0] | {'_delete_'}, built[1], built[2]
