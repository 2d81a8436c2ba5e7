# Copyright (c) zkd_mm contributors. All rights reserved.
"""Let ``torch.load`` read mmengine checkpoints on torch >= 2.6.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True`` and refuses
any pickled global that is not allowlisted. mmengine 0.10.7 calls
``torch.load`` without ``weights_only``, so checkpoint dicts whose ``meta``
holds numpy scalars, and Runner-saved ``epoch_N.pth`` files (which hold
:class:`mmengine.logging.HistoryBuffer` objects) no longer load.

:func:`install` adds exactly the types those files need to torch's
weights-only allowlist. It never switches ``weights_only`` off. The one
function-valued global such files contain, ``getattr`` (pickle's way to
refer to ``HistoryBuffer``'s statistics methods), is served by a restricted
stand-in that only resolves those methods and refuses anything else.
"""
from typing import Any, Callable, List, Tuple, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

_SafeGlobal = Union[Callable, Tuple[Callable, str]]
# Registered by every HistoryBuffer.__init__, so not yet in the class-level
# registry of a process that has not created one.
_BUILTIN_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_getattr(owner: Any, name: str) -> Any:
    """Resolve ``getattr(HistoryBuffer, name)`` for its statistics only.

    Args:
        owner: The object pickle looks the attribute up on.
        name (str): The attribute name.

    Returns:
        The statistics method of :class:`HistoryBuffer`.

    Raises:
        pickle.UnpicklingError: For any other owner or name.
    """
    import pickle
    allowed = name in _BUILTIN_STATISTICS or (
        name in HistoryBuffer._statistics_methods)
    if owner is HistoryBuffer and allowed and callable(
            getattr(HistoryBuffer, name, None)):
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'zkd_mm refuses getattr({owner!r}, {name!r}) while loading a '
        'checkpoint: only HistoryBuffer statistics methods are allowed. '
        'Load a checkpoint you trust with torch.load(..., '
        'weights_only=False) yourself.')


def _numpy_dtype_classes() -> List[type]:
    """The concrete numpy dtype classes, e.g. ``Float64DType``."""
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is None:  # numpy < 1.25 has no numpy.dtypes
        return []
    return [
        cls for name in getattr(dtypes, '__all__', [])
        if isinstance(cls := getattr(dtypes, name), type)
        and issubclass(cls, np.dtype)
    ]


def _numpy_globals() -> List[_SafeGlobal]:
    """numpy arrays, dtypes and scalars under their numpy 1 and 2 names."""
    multiarray = getattr(np, '_core', None) or np.core
    reconstruct = multiarray.multiarray._reconstruct
    scalar = multiarray.multiarray.scalar
    entries: List[_SafeGlobal] = [np.ndarray, np.dtype]
    entries += _numpy_dtype_classes()
    for prefix in ('numpy.core.multiarray', 'numpy._core.multiarray'):
        entries += [(reconstruct, f'{prefix}._reconstruct'),
                    (scalar, f'{prefix}.scalar')]
    return entries


def safe_globals() -> List[_SafeGlobal]:
    """Everything :func:`install` adds to torch's weights-only allowlist."""
    return _numpy_globals() + [
        HistoryBuffer,
        (_history_buffer_getattr, 'builtins.getattr'),
    ]


def install() -> bool:
    """Extend torch's weights-only allowlist; idempotent.

    Returns:
        bool: False on torch versions without ``add_safe_globals`` (< 2.4),
        which load these checkpoints unchanged.
    """
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is None:
        return False
    add_safe_globals(safe_globals())
    return True
