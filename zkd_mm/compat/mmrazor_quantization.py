# Copyright (c) zkd_mm contributors. All rights reserved.
"""Let ``mmrazor.models`` import on torch >= 2.0.

MMRazor 1.0.0 builds its quantization backend configs at import time from
private torch APIs that torch 2.0 renamed. The failure sits in one
subpackage, :data:`TARGET`, yet ``mmrazor.models`` imports it through the
distillers. This module installs a meta-path finder that wraps exactly that
subpackage: the real package is executed first, and only if that raises is
the module filled with stand-ins of the same public names. Calling any
stand-in raises :class:`QuantizationUnavailableError` naming the torch version
and the original cause, so MMRazor quantization fails loudly instead of
building a silently wrong config. Nothing else in torch or mmrazor is touched
and no installed file is edited.
"""
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Mapping
from typing import Callable, Iterator, Optional, Sequence

TARGET = 'mmrazor.structures.quantization.backend_config'

_GETTER_NAMES = (
    'get_native_backend_config',
    'get_native_backend_config_dict',
    'get_academic_backend_config',
    'get_academic_backend_config_dict',
    'get_openvino_backend_config',
    'get_openvino_backend_config_dict',
    'get_tensorrt_backend_config',
    'get_tensorrt_backend_config_dict',
)


class QuantizationUnavailableError(NotImplementedError):
    """MMRazor quantization cannot run on the installed torch."""


def _unavailable_message(cause: BaseException) -> str:
    import torch
    return (f'MMRazor 1.0.0 quantization is unavailable on torch '
            f'{torch.__version__}: its backend configs use torch.ao '
            f'internals that torch 2.0 renamed (import failed with '
            f'{type(cause).__name__}: {cause}). zkd_mm replaced '
            f'"{TARGET}" with stand-ins so that distillation still works. '
            'Use torch 1.13.x for MMRazor quantization.')


class _UnavailableBackendConfigs(Mapping):
    """Stand-in for ``BackendConfigs``: every lookup raises a clear error."""

    def __init__(self, message: str) -> None:
        self._message = message

    def __getitem__(self, key: str):
        raise QuantizationUnavailableError(
            f'BackendConfigs[{key!r}]: {self._message}')

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __contains__(self, key: object) -> bool:
        return False


def _make_unavailable_getter(name: str, message: str) -> Callable:

    def getter(*args, **kwargs):
        raise QuantizationUnavailableError(f'{name}(): {message}')

    getter.__name__ = getter.__qualname__ = name
    return getter


def _fill_with_stand_ins(module, cause: BaseException) -> None:
    """Replace a half-imported backend-config package by stand-ins."""
    for name in [n for n in sys.modules if n.startswith(TARGET + '.')]:
        del sys.modules[name]
    for attr in [a for a in vars(module) if not a.startswith('__')]:
        delattr(module, attr)
    message = _unavailable_message(cause)
    module.BackendConfigs = _UnavailableBackendConfigs(message)
    for name in _GETTER_NAMES:
        setattr(module, name, _make_unavailable_getter(name, message))
    module.__all__ = ['BackendConfigs', *_GETTER_NAMES]
    module.ZKD_MM_STAND_IN_CAUSE = cause


class _FallbackLoader(importlib.abc.Loader):
    """Run the real loader; on failure, keep the module with stand-ins."""

    def __init__(self, real_loader: importlib.abc.Loader) -> None:
        self._real_loader = real_loader

    def create_module(self, spec):
        return self._real_loader.create_module(spec)

    def exec_module(self, module) -> None:
        try:
            self._real_loader.exec_module(module)
        except Exception as cause:  # any failure of the real package
            _fill_with_stand_ins(module, cause)


class _BackendConfigFinder(importlib.abc.MetaPathFinder):
    """Meta-path finder that wraps the loader of :data:`TARGET` only."""

    def find_spec(self,
                  fullname: str,
                  path: Optional[Sequence[str]],
                  target=None) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname != TARGET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _FallbackLoader(spec.loader)
        return spec


def install() -> None:
    """Install the finder once, ahead of the standard path finders.

    If an earlier import of :data:`TARGET` already failed, the broken
    entries are dropped so that the next import goes through the finder.
    """
    if any(isinstance(f, _BackendConfigFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _BackendConfigFinder())
    module = sys.modules.get(TARGET)
    if module is not None and not hasattr(module, 'BackendConfigs'):
        for name in [n for n in sys.modules
                     if n == TARGET or n.startswith(TARGET + '.')]:
            del sys.modules[name]


def is_stand_in() -> bool:
    """Whether MMRazor's backend configs are zkd_mm's stand-ins."""
    module = sys.modules.get(TARGET)
    return module is not None and hasattr(module, 'ZKD_MM_STAND_IN_CAUSE')
