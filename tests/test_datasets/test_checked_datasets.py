# Copyright (c) zkd_mm contributors. All rights reserved.
"""Malformed data files are errors at dataset load, not re-cut data.

Seen before: a CIFAR pickle with 3000-byte rows was re-cut into 250 images
and zipped against 256 labels; 64 labels for 256 images trained on 64
samples; out-of-range validation labels were scored as wrong predictions.
"""
import shutil
from pathlib import Path

import numpy as np
import pytest
from mmengine.registry import DefaultScope

from tests.data_fixtures.tiny_cifar import (BASE_FOLDER, accept_tiny_cifar100,
                                            dump_py2_pickle,
                                            write_tiny_cifar100)

import zkd_mm  # noqa: F401  isort: skip
from mmpretrain.registry import DATASETS  # isort: skip


def _cifar(root: Path, split: str = 'train'):
    with accept_tiny_cifar100(root), DefaultScope.overwrite_default_scope(
            'mmpretrain'):
        return DATASETS.build(
            dict(type='CIFAR100', data_root=str(root), split=split,
                 download=False, pipeline=[]))


def _write_split(root: Path, split: str, data: np.ndarray, labels) -> None:
    dump_py2_pickle({'data': data, 'fine_labels': list(labels),
                     'coarse_labels': [0] * len(labels)},
                    root / BASE_FOLDER / split)


def test_good_files_load(tmp_path):
    root = write_tiny_cifar100(tmp_path, num_train=4)
    dataset = _cifar(root)
    assert len(dataset) == 4 and type(dataset).__module__.startswith(
        'zkd_mm')


def test_rows_of_another_length_are_refused(tmp_path):
    root = write_tiny_cifar100(tmp_path)
    rows = np.zeros((256, 3000), dtype=np.uint8)  # 256 x 3000 = 250 x 3072
    _write_split(root, 'train', rows, range(256))
    with pytest.raises(ValueError, match=r'one row of 3072 bytes \(3 x 32 x '
                       r'32\) per image, got shape \(256, 3000\)'):
        _cifar(root)


def test_fewer_labels_than_images_are_refused(tmp_path):
    root = write_tiny_cifar100(tmp_path)
    _write_split(root, 'train', np.zeros((256, 3072), np.uint8), range(64))
    with pytest.raises(ValueError, match='256 images but 64 labels'):
        _cifar(root)


def test_out_of_range_validation_labels_are_refused(tmp_path):
    root = write_tiny_cifar100(tmp_path)
    _write_split(root, 'test', np.zeros((3, 3072), np.uint8), [5, 100, 7])
    with pytest.raises(ValueError, match=r'1 labels of the test split are '
                       r'not class indices in \[0, 100\): e.g. label 100 of '
                       'sample 1'):
        _cifar(root, 'test')


def _idx(path: Path, magic: int, array: np.ndarray) -> None:
    header = magic.to_bytes(4, 'big') + b''.join(
        int(d).to_bytes(4, 'big') for d in array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def _mnist(root: Path):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return DATASETS.build(
            dict(type='FashionMNIST', data_root=str(root), test_mode=True,
                 download=False, pipeline=[]))


def test_fashion_mnist_counts_and_labels_are_checked(tmp_path):
    for name in ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'):
        (tmp_path / name).write_bytes(b'')  # only the test split is read
    _idx(tmp_path / 't10k-images-idx3-ubyte', 2051,
         np.zeros((5, 28, 28)))
    _idx(tmp_path / 't10k-labels-idx1-ubyte', 2049, np.arange(3))
    with pytest.raises(ValueError, match='holds 5 images but .* holds 3 '
                       'labels'):
        _mnist(tmp_path)
    _idx(tmp_path / 't10k-labels-idx1-ubyte', 2049,
         np.array([1, 2, 3, 4, 12]))
    with pytest.raises(ValueError, match='label 12 of sample 4'):
        _mnist(tmp_path)
    _idx(tmp_path / 't10k-labels-idx1-ubyte', 2049, np.arange(5))
    assert len(_mnist(tmp_path)) == 5


def test_imagenet_labels_are_checked(tiny_imagenet, tmp_path):
    root = tmp_path / 'imagenet'
    shutil.copytree(tiny_imagenet, root)
    ann = root / 'meta' / 'val.txt'
    lines = ann.read_text().splitlines()
    path = lines[0].split()[0]
    ann.write_text('\n'.join(lines + [f'{path} 1000']) + '\n')
    with pytest.raises(ValueError, match=r'not class indices in \[0, 1000\)'
                       r': e\.g\. label 1000'):
        with DefaultScope.overwrite_default_scope('mmpretrain'):
            DATASETS.build(
                dict(type='ImageNet', data_root=str(root), split='val',
                     pipeline=[]))
