# Copyright (c) zkd_mm contributors. All rights reserved.
"""Build a zkd_mm wheel from a copy of the checkout and install it into a
folder (``pip install --target``), as a regular install would be."""
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Optional

from tests.subprocess_utils import REPO_ROOT


def build_and_install(tmp_path: Path,
                      edit: Optional[Callable[[Path], None]] = None
                      ) -> Path:
    """Copy the checkout's package files, ``edit(source)`` them, build a
    wheel, install it with ``--target``; return that folder."""
    source = tmp_path / 'source'
    source.mkdir()
    for name in ('pyproject.toml', 'README.md', 'model-index.yml'):
        shutil.copy2(REPO_ROOT / name, source / name)
    for name in ('zkd_mm', 'configs', 'tools'):
        shutil.copytree(
            REPO_ROOT / name,
            source / name,
            symlinks=True,
            ignore=shutil.ignore_patterns('__pycache__'))
    if edit is not None:
        edit(source)
    wheels, target = tmp_path / 'wheels', tmp_path / 'site'
    pip = [sys.executable, '-m', 'pip', '--disable-pip-version-check', '-q']
    subprocess.run(
        pip + ['wheel', '--no-deps', '--no-build-isolation', '-w',
               str(wheels), str(source)],
        check=True, capture_output=True, timeout=300)
    wheel, = wheels.glob('zkd_mm-*.whl')
    subprocess.run(
        pip + ['install', '--no-deps', '--no-index', '--target',
               str(target), str(wheel)],
        check=True, capture_output=True, timeout=300)
    return target
