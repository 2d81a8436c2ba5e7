# Copyright (c) zkd_mm contributors. All rights reserved.
"""Writers of tiny datasets in the real on-disk formats."""
from .tiny_imagenet import write_tiny_imagenet

__all__ = ['write_tiny_imagenet']
