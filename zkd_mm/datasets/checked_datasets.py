# Copyright (c) zkd_mm contributors. All rights reserved.
"""Checked versions of the mmpretrain datasets zkd_mm's configs use.

mmpretrain 1.2.0 trusts the files it reads:

- ``CIFAR10``/``CIFAR100`` reshape all image bytes to (-1, 3, 32, 32) and
  zip them with the labels, so rows of another length are re-cut into
  other images, and extra images or labels are dropped;
- ``MNIST``/``FashionMNIST`` zip images with labels, dropping the excess;
- no dataset checks that labels are class indices, so an out-of-range
  label in a validation split is scored as a wrong prediction.

Each class here is the mmpretrain class, re-registered under the same name
in mmpretrain's ``DATASETS`` (so configs use it unchanged), that checks
its data after loading and raises a ``ValueError`` saying what is wrong
with which file.
"""
import pickle
from typing import List, Sequence

import numpy as np
from mmengine.fileio import get, join_path
from mmpretrain.datasets import cifar as _cifar
from mmpretrain.datasets import custom as _custom
from mmpretrain.datasets import imagenet as _imagenet
from mmpretrain.datasets import mnist as _mnist
from mmpretrain.datasets.utils import rm_suffix
from mmpretrain.registry import DATASETS

_CIFAR_ROW_BYTES = 3 * 32 * 32


def check_gt_labels(dataset, labels: Sequence[int], source: str) -> None:
    """Raise if a label is not a class index of ``dataset``.

    Args:
        dataset: An mmpretrain dataset; its ``CLASSES`` (if known) give the
            number of classes.
        labels (Sequence[int]): The ground-truth labels.
        source (str): Where the labels come from, for the message.
    """
    classes = getattr(dataset, 'CLASSES', None)
    if not classes or not len(labels):
        return
    labels = np.asarray(labels).reshape(-1)
    bad = np.flatnonzero((labels < 0) | (labels >= len(classes)))
    if bad.size:
        raise ValueError(
            f'{type(dataset).__name__}: {bad.size} labels of {source} are not '
            f'class indices in [0, {len(classes)}): e.g. label '
            f'{int(labels[bad[0]])} of sample {int(bad[0])}. Fix the labels '
            'or the dataset\'s classes.')


def _labels_of(data_list: List[dict]) -> np.ndarray:
    return np.asarray([int(np.asarray(info['gt_label']).reshape(-1)[0])
                       for info in data_list if 'gt_label' in info])


@DATASETS.register_module(name='CIFAR10', force=True)
class CIFAR10(_cifar.CIFAR10):
    """mmpretrain's ``CIFAR10`` that checks each batch file's shapes."""

    def load_data_list(self) -> List[dict]:
        """Load as mmpretrain does, then check the files that were read."""
        data_list = super().load_data_list()
        files = self.train_list if self.split == 'train' else self.test_list
        labels = []
        for file_name, _ in files:
            path = join_path(self.data_prefix['root'], self.base_folder,
                             file_name)
            entry = pickle.loads(get(path), encoding='latin1')
            data = np.asarray(entry['data'])
            entry_labels = entry.get('labels', entry.get('fine_labels', []))
            if data.ndim != 2 or data.shape[1] != _CIFAR_ROW_BYTES:
                raise ValueError(
                    f'{path}: "data" must hold one row of {_CIFAR_ROW_BYTES} '
                    f'bytes (3 x 32 x 32) per image, got shape {data.shape}; '
                    'it is not a CIFAR batch file.')
            if len(entry_labels) != data.shape[0]:
                raise ValueError(
                    f'{path}: {data.shape[0]} images but '
                    f'{len(entry_labels)} labels; each image needs one.')
            labels += list(entry_labels)
        check_gt_labels(self, labels, f'the {self.split} split')
        return data_list


@DATASETS.register_module(name='CIFAR100', force=True)
class CIFAR100(CIFAR10, _cifar.CIFAR100):
    """mmpretrain's ``CIFAR100`` that checks each batch file's shapes."""


def _idx_count(path: str) -> int:
    """The number of items an IDX file's header declares."""
    with open(path, 'rb') as file:
        header = file.read(8)
    return int.from_bytes(header[4:8], 'big')


@DATASETS.register_module(name='MNIST', force=True)
class MNIST(_mnist.MNIST):
    """mmpretrain's ``MNIST`` that checks image and label counts."""

    def load_data_list(self) -> List[dict]:
        """Load as mmpretrain does, then check counts and labels."""
        data_list = super().load_data_list()
        files = self.test_list if self.test_mode else self.train_list
        paths = [
            join_path(self.data_prefix['root'], rm_suffix(name))
            for name, _ in files
        ]
        images, labels = (_idx_count(path) for path in paths)
        if images != labels:
            raise ValueError(
                f'{paths[0]} holds {images} images but {paths[1]} holds '
                f'{labels} labels; each image needs one.')
        check_gt_labels(self, _labels_of(data_list), paths[1])
        return data_list


@DATASETS.register_module(name='FashionMNIST', force=True)
class FashionMNIST(MNIST, _mnist.FashionMNIST):
    """mmpretrain's ``FashionMNIST`` that checks image and label counts."""


@DATASETS.register_module(name='CustomDataset', force=True)
class CustomDataset(_custom.CustomDataset):
    """mmpretrain's ``CustomDataset`` that checks its labels."""

    def load_data_list(self) -> List[dict]:
        """Load as mmpretrain does, then check the labels."""
        data_list = super().load_data_list()
        check_gt_labels(self, _labels_of(data_list),
                        self.ann_file or self.data_prefix.get('img_path'))
        return data_list


@DATASETS.register_module(name='ImageNet', force=True)
class ImageNet(CustomDataset, _imagenet.ImageNet):
    """mmpretrain's ``ImageNet`` that checks its labels."""
