# Copyright (c) zkd_mm contributors. All rights reserved.
"""Shared test set-up and session-wide data fixtures."""
import os
from pathlib import Path
from typing import Iterator

import pytest

# Tests must prove that checkpoints load *without* this escape hatch.
os.environ.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)


@pytest.fixture(scope='session')
def tiny_imagenet(tmp_path_factory) -> Path:
    """8 train and 4 val JPEGs in mmpretrain's ImageNet layout."""
    from tests.data_fixtures import write_tiny_imagenet
    return write_tiny_imagenet(tmp_path_factory.mktemp('imagenet'))


@pytest.fixture(scope='session')
def r34_teacher_ckpt(tmp_path_factory) -> Path:
    """A ResNet-34 ImageNet teacher checkpoint in mmpretrain's format."""
    from tests.imagenet_distill_cli import write_r34_teacher_checkpoint
    return write_r34_teacher_checkpoint(
        tmp_path_factory.mktemp('teacher') / 'resnet34_teacher.pth')


@pytest.fixture(scope='session')
def tiny_cifar100(tmp_path_factory) -> Iterator[Path]:
    """4 train and 2 test images as CIFAR-100 python pickles.

    Once requested, mmpretrain's ``CIFAR100`` expects these files' md5 sums
    until the session ends (see ``tests/data_fixtures/tiny_cifar.py``).
    """
    from tests.data_fixtures import accept_tiny_cifar100, write_tiny_cifar100
    root = write_tiny_cifar100(tmp_path_factory.mktemp('cifar100'))
    with accept_tiny_cifar100(root):
        yield root


@pytest.fixture(scope='session')
def fashion_mnist_root(tmp_path_factory) -> Path:
    """The real Fashion-MNIST (Debian package), unpacked for mmpretrain.

    Skips when ``dataset-fashion-mnist`` is not installed.
    """
    from tests.data_fixtures.fashion_mnist import prepare_fashion_mnist_or_skip
    return prepare_fashion_mnist_or_skip(
        tmp_path_factory.mktemp('fashion_mnist'))
