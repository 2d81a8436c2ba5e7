# Copyright (c) zkd_mm contributors. All rights reserved.
"""Read MMRazor's ``mmcls::`` configs with mmpretrain, mmcls's successor.

MMRazor 1.0.0's classification distill configs
(``configs/distill/mmcls/*``) inherit ``mmcls::_base_/...`` and build their
models with ``cfg_path='mmcls::resnet/...'``. mmcls 1.x was renamed
mmpretrain (same config tree, same model names); it needs mmcv 1.x and
cannot be installed beside MMRazor's mmcv 2.x stack, so these configs
failed with ``mmcls is not installed`` (and mmengine's ``get_config``
would even try to pip-install it).

While mmcls is not installed, :func:`install` makes these two places read
``mmcls::X`` as ``mmpretrain::X``, and name ``mmcls::X`` in the error when
mmpretrain has no such config:

- ``Config._get_cfg_path`` (``_base_`` lookups; private in mmengine
  0.10.7, where this was checked), so the inherited dicts get
  mmpretrain's scope;
- ``mmengine.hub.get_model`` and ``get_config`` (MMRazor's ``cfg_path``).

:func:`alias_scopes` maps ``_scope_='mmcls'``, ``default_scope='mmcls'``
and ``type='mmcls.X'`` in a loaded config to mmpretrain; zkd_mm's tools
apply it. An installed mmcls is used as it is.
"""
import functools
import importlib.util
from typing import Any, Callable

MMCLS, MMPRETRAIN = 'mmcls', 'mmpretrain'
_MARK = 'zkd_mm_mmcls_alias'


def mmcls_installed() -> bool:
    """Whether a real mmcls is importable."""
    return importlib.util.find_spec(MMCLS) is not None


def to_mmpretrain(cfg_path: str) -> str:
    """``mmcls::X`` -> ``mmpretrain::X``; other paths unchanged."""
    if isinstance(cfg_path, str) and cfg_path.startswith(f'{MMCLS}::'):
        return f'{MMPRETRAIN}::{cfg_path[len(MMCLS) + 2:]}'
    return cfg_path


def _no_counterpart(original: str, error: Exception) -> FileNotFoundError:
    return FileNotFoundError(
        f'{original}: mmcls is not installed and mmpretrain, which replaced '
        f'it, has no config {to_mmpretrain(original)} ({error}). Use an '
        'mmpretrain 1.2 config name instead (`mim search mmpretrain`).')


def _aliased(function: Callable, path_arg: int = 0) -> Callable:
    if getattr(function, _MARK, False):
        return function

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        args = list(args)
        original = args[path_arg] if len(args) > path_arg else kwargs.get(
            'cfg_path')
        aliased = to_mmpretrain(original)
        if aliased == original:
            return function(*args, **kwargs)
        if len(args) > path_arg:
            args[path_arg] = aliased
        else:
            kwargs['cfg_path'] = aliased
        try:
            return function(*args, **kwargs)
        except FileNotFoundError as error:
            raise _no_counterpart(original, error) from error

    setattr(wrapper, _MARK, True)
    return wrapper


def alias_scopes(node: Any) -> Any:
    """Map the ``mmcls`` scope to mmpretrain in a config tree, in place."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in ('_scope_', 'default_scope') and value == MMCLS:
                node[key] = MMPRETRAIN
            elif key == 'type' and isinstance(value, str) and (
                    value.startswith(f'{MMCLS}.')):
                node[key] = f'{MMPRETRAIN}.{value[len(MMCLS) + 1:]}'
            else:
                alias_scopes(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            alias_scopes(item)
    return node


def alias_config(cfg) -> None:
    """:func:`alias_scopes` on a loaded ``Config`` (unless mmcls is
    installed)."""
    if mmcls_installed():
        return
    if cfg.get('default_scope') == MMCLS:
        cfg.default_scope = MMPRETRAIN
    for key in list(cfg.keys()):
        alias_scopes(cfg[key])


def install() -> bool:
    """Install the aliases unless mmcls is installed; idempotent.

    Returns:
        bool: Whether the aliases are active.
    """
    if mmcls_installed():
        return False
    import mmengine.hub
    import mmengine.hub.hub
    from mmengine.config import Config
    Config._get_cfg_path = staticmethod(_aliased(Config._get_cfg_path))
    for module in (mmengine.hub, mmengine.hub.hub):
        module.get_model = _aliased(module.get_model)
        module.get_config = _aliased(module.get_config)
    return True
