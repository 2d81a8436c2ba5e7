# Copyright (c) zkd_mm contributors. All rights reserved.
"""Make MMRazor's ``module_inplace=False`` work on torch >= 2.5.

MMRazor 1.0.0's ``BaseAlgorithm.set_module_inplace_false`` turns off the
``inplace`` flag of every submodule (so that an in-place ReLU cannot
overwrite a tensor a recorder holds) by walking ``Module._modules`` and
recursing only into ``OrderedDict`` values. Since torch 2.5 ``_modules``
is a plain ``dict``, so the walk stops at the top module: every in-place
activation stays in-place, and a recorder on a BatchNorm followed by
``ReLU(inplace=True)`` records the post-ReLU tensor, with no error.

:func:`install` replaces that one method with a walk over
``Module.modules()``, which sets ``inplace = False`` on every submodule
that has the attribute, on any torch version. Nothing else is touched.
"""
from collections.abc import Mapping
from typing import Any

import torch.nn as nn


def set_module_inplace_false(self, architecture: Any, varstr: str) -> None:
    """Set ``inplace = False`` on every submodule that has the attribute.

    Args:
        architecture (nn.Module | Mapping): A module, or a mapping of
            modules (as MMRazor passes ``_modules``).
        varstr (str): Unused; kept for MMRazor's signature.
    """
    if isinstance(architecture, Mapping):
        modules = [m for m in architecture.values() if m is not None]
    elif isinstance(architecture, nn.Module):
        modules = [architecture]
    else:
        return
    for module in modules:
        for submodule in module.modules():
            if hasattr(submodule, 'inplace'):
                submodule.inplace = False


def install() -> None:
    """Replace ``BaseAlgorithm.set_module_inplace_false``; idempotent."""
    from mmrazor.models.algorithms.base import BaseAlgorithm
    BaseAlgorithm.set_module_inplace_false = set_module_inplace_false
