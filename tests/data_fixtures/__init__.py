# Copyright (c) zkd_mm contributors. All rights reserved.
"""Writers of tiny datasets in the real on-disk formats."""
from .tiny_cifar import (accept_tiny_cifar100, tiny_cifar100_md5s,
                         write_tiny_cifar100)
from .tiny_imagenet import write_tiny_imagenet

__all__ = [
    'write_tiny_imagenet', 'write_tiny_cifar100', 'tiny_cifar100_md5s',
    'accept_tiny_cifar100'
]
