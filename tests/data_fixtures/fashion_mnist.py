# Copyright (c) zkd_mm contributors. All rights reserved.
"""Real Fashion-MNIST for the tests, from the Debian package.

The tests that train or evaluate on Fashion-MNIST read the real data that
``apt-get install -y dataset-fashion-mnist`` installs, unpacked by
``tools/dataset_converters/prepare_fashion_mnist.py``, and skip (saying
so) only when the package is not installed.
"""
import importlib.util
from pathlib import Path

import pytest

from tests.subprocess_utils import REPO_ROOT

DEBIAN_DIR = Path('/usr/share/datasets/fashion-mnist')
ARCHIVES = ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
            't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')
PREPARE_TOOL = (
    REPO_ROOT / 'tools' / 'dataset_converters' / 'prepare_fashion_mnist.py')
SKIP_REASON = (f'Fashion-MNIST is not installed ({DEBIAN_DIR} lacks the '
               'IDX archives): apt-get install -y dataset-fashion-mnist')


def load_prepare_tool():
    """``tools/dataset_converters/prepare_fashion_mnist.py`` as a module."""
    spec = importlib.util.spec_from_file_location('_prepare_fashion_mnist',
                                                  PREPARE_TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def debian_fashion_mnist_available() -> bool:
    """Whether the Debian package's four archives are there."""
    return all((DEBIAN_DIR / name).is_file() for name in ARCHIVES)


def prepare_fashion_mnist_or_skip(dst: Path) -> Path:
    """Unpack the Debian Fashion-MNIST into ``dst``; skip if not installed.

    Returns:
        Path: ``dst``, a ``data_root`` for mmpretrain's ``FashionMNIST``.
    """
    if not debian_fashion_mnist_available():
        pytest.skip(SKIP_REASON)
    load_prepare_tool().prepare(DEBIAN_DIR, dst)
    return dst
