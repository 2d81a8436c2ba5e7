# Copyright (c) zkd_mm contributors. All rights reserved.
"""A tiny CIFAR-100 in the real on-disk format of the python version.

``data_root/cifar-100-python/{train,test,meta}`` are pickles written the
way the original Python 2 files are: dicts whose keys and strings are
Python 2 ``str`` (so ``pickle.load(f, encoding='bytes')``, the loader on
the CIFAR web page, gives ``b'data'``, ``b'fine_labels'``, ... and
``encoding='latin1'``, mmpretrain's and torchvision's, gives ``'data'``),
with ``data`` a ``uint8`` array of shape (N, 3072) (the red, green and blue
planes of 32x32 images, row-major) and ``fine_labels`` a list of ints;
``meta`` holds ``fine_label_names`` and ``coarse_label_names``.

mmpretrain's ``CIFAR100`` always checks the md5 sums of ``train``, ``test``
and ``meta`` against the real files' (also without ``download``), and
there is no option to turn that off. :func:`accept_tiny_cifar100` swaps
the expected sums for those of the tiny files, so the check still runs and
only these exact files pass it.
"""
import contextlib
import hashlib
import pickle
import struct
from pathlib import Path
from typing import Dict, Iterator

import numpy as np

BASE_FOLDER = 'cifar-100-python'
NUM_CLASSES = 100
NUM_COARSE = 20


class _Py2Str(bytes):
    """Bytes that are pickled as a Python 2 ``str``."""


class _Py2Pickler(pickle._Pickler):
    """Writes :class:`_Py2Str` with the ``(SHORT_)BINSTRING`` opcodes of
    Python 2 strings, which Python 3 decodes with the ``encoding`` that
    ``pickle.load`` is given."""

    dispatch = dict(pickle._Pickler.dispatch)

    def save_py2_str(self, obj: bytes) -> None:
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack('<i', len(obj)) + obj)
        self.memoize(obj)

    dispatch[_Py2Str] = save_py2_str


def _py2(value):
    """Turn the str keys and values of ``value`` into Python 2 strs."""
    if isinstance(value, str):
        return _Py2Str(value.encode('latin1'))
    if isinstance(value, dict):
        return {_py2(k): _py2(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_py2(v) for v in value]
    return value


def dump_py2_pickle(obj, path: Path) -> None:
    """Pickle ``obj`` the way the Python 2 CIFAR files are."""
    with open(path, 'wb') as file:
        _Py2Pickler(file, protocol=2).dump(_py2(obj))


def write_tiny_cifar100(data_root: Path,
                        num_train: int = 4,
                        num_test: int = 2,
                        seed: int = 0) -> Path:
    """Write random images with distinct labels; return ``data_root``."""
    rng = np.random.default_rng(seed)
    folder = Path(data_root) / BASE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for split, count in (('train', num_train), ('test', num_test)):
        fine = [int(x) for x in rng.choice(NUM_CLASSES, count, False)]
        dump_py2_pickle(
            {
                'filenames': [f'tiny_{split}_{i}.png' for i in range(count)],
                'batch_label': f'{split}ing batch 1 of 1',
                'fine_labels': fine,
                'coarse_labels': [label % NUM_COARSE for label in fine],
                'data': rng.integers(0, 256, (count, 3 * 32 * 32),
                                     dtype=np.uint8),
            }, folder / split)
    dump_py2_pickle(
        {
            'fine_label_names': [f'class_{i}' for i in range(NUM_CLASSES)],
            'coarse_label_names':
            [f'superclass_{i}' for i in range(NUM_COARSE)],
        }, folder / 'meta')
    return Path(data_root)


def tiny_cifar100_md5s(data_root: Path) -> Dict[str, str]:
    """md5 sums of ``train``, ``test`` and ``meta`` under ``data_root``."""
    folder = Path(data_root) / BASE_FOLDER
    return {
        name: hashlib.md5((folder / name).read_bytes()).hexdigest()
        for name in ('train', 'test', 'meta')
    }


@contextlib.contextmanager
def accept_tiny_cifar100(data_root: Path) -> Iterator[None]:
    """Make mmpretrain's ``CIFAR100`` expect the tiny files' md5 sums."""
    from mmpretrain.datasets import CIFAR100
    md5s = tiny_cifar100_md5s(data_root)
    saved = {
        name: getattr(CIFAR100, name)
        for name in ('train_list', 'test_list', 'meta')
    }
    CIFAR100.train_list = [['train', md5s['train']]]
    CIFAR100.test_list = [['test', md5s['test']]]
    CIFAR100.meta = dict(saved['meta'], md5=md5s['meta'])
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(CIFAR100, name, value)
