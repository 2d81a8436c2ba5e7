# Copyright (c) zkd_mm contributors. All rights reserved.
"""mmpretrain datasets that refuse malformed data instead of re-cutting it.
"""
from .checked_datasets import (CIFAR10, CIFAR100, MNIST, CustomDataset,
                               FashionMNIST, ImageNet, check_gt_labels)

__all__ = [
    'CIFAR10', 'CIFAR100', 'MNIST', 'FashionMNIST', 'ImageNet',
    'CustomDataset', 'check_gt_labels'
]
