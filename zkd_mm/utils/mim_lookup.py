# Copyright (c) zkd_mm contributors. All rights reserved.
"""Let mmengine find zkd_mm's configs as ``zkd_mm::<folder>/<name>.py``.

mmengine resolves a package config (``_base_ = ['zkd_mm::cifar100/x.py']``
in a config, or ``mmengine.hub.get_config('zkd_mm::cifar100/x.py')``) in
``<installed path>/.mim/configs/``, and it needs two things that zkd_mm
cannot ship as files:

1. The package name in ``mmengine.config.utils.MODULE2PACKAGE``, a plain
   dict of the OpenMMLab packages that mmengine asserts against; there is
   no API to register another one. :func:`install` adds
   ``'zkd_mm': 'zkd_mm'``.
2. The right installed path. ``mmengine.utils.get_installed_path`` returns
   ``<dist.location>/zkd_mm``, where ``dist.location`` is the folder of the
   package's ``*.dist-info``. For a PEP 660 editable install
   (``pip install -e .``) that is ``site-packages``, where no ``zkd_mm``
   folder exists: the code stays in the source tree. Correcting
   ``location`` on pkg_resources' ``Distribution`` does not last, because
   mmengine's ``is_installed``, which runs first on both paths, reloads
   ``pkg_resources`` and so rebuilds every ``Distribution`` from the files.
   :func:`install` therefore wraps ``get_installed_path`` where mmengine
   bound it: for ``zkd_mm`` only, and only when mmengine's answer does not
   exist, it returns the folder of the imported ``zkd_mm`` package.
   Regular installs, and every other package, get mmengine's answer.

Both take effect on ``import zkd_mm``, which has to come before the config
is read: zkd_mm's tools import it first, while a config's
``custom_imports`` run too late for its own ``_base_``. A name bound
earlier (``from mmengine.utils import get_installed_path`` before
``import zkd_mm``) keeps mmengine's function. mmengine scopes the dicts of
a config inherited this way ``zkd_mm``; :mod:`zkd_mm.registry` makes them
build. ``Config.fromfile('zkd_mm::...')`` itself is not supported by
mmengine 0.10 for any package (it takes file paths only), and
``pkg::name`` needs a folder (``\\w*::\\w*/...``), so the top-level
ImageNet configs cannot be named this way.
"""
import functools
import importlib
import os.path as osp
import sys
from typing import Callable

PACKAGE = 'zkd_mm'
# Modules that hold a reference to mmengine's get_installed_path. Modules
# imported later take it from mmengine.utils, which is patched.
_HOLDERS = ('mmengine.utils.package_utils', 'mmengine.utils',
            'mmengine.config.config', 'mmengine.hub.hub')


def package_dir() -> str:
    """The folder of the imported ``zkd_mm`` package."""
    return osp.dirname(osp.dirname(osp.abspath(__file__)))


def _wrap(original: Callable[[str], str]) -> Callable[[str], str]:

    @functools.wraps(original)
    def get_installed_path(package: str) -> str:
        path = original(package)
        if package == PACKAGE and not osp.isdir(path):
            return package_dir()
        return path

    get_installed_path.zkd_mm_original = original
    return get_installed_path


def register_package() -> None:
    """Add zkd_mm to mmengine's ``MODULE2PACKAGE``; idempotent."""
    from mmengine.config.utils import MODULE2PACKAGE
    MODULE2PACKAGE.setdefault(PACKAGE, PACKAGE)


def patch_installed_path() -> None:
    """Wrap mmengine's ``get_installed_path`` (see module doc); idempotent."""
    package_utils = importlib.import_module('mmengine.utils.package_utils')
    original = getattr(package_utils.get_installed_path, 'zkd_mm_original',
                       package_utils.get_installed_path)
    wrapped = None
    for name in _HOLDERS:
        module = sys.modules.get(name)
        if module is None and name != 'mmengine.hub.hub':
            module = importlib.import_module(name)
        if module is None:
            continue
        current = getattr(module, 'get_installed_path', None)
        if current is original:
            wrapped = wrapped or _wrap(original)
            module.get_installed_path = wrapped


def install() -> None:
    """Make ``zkd_mm::...`` config names resolve; idempotent."""
    register_package()
    patch_installed_path()
