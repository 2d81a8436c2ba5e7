# Copyright (c) zkd_mm contributors. All rights reserved.
"""Convert an mdistiller (CIFAR-100 teacher) checkpoint for zkd_mm.

The paper's CIFAR-100 teachers are mdistiller's ``cifar_teachers.tar``
(``<arch>_vanilla/ckpt_epoch_240.pth``, a dict whose ``model`` entry is the
state dict). This renames that state dict onto the keys of zkd_mm's
``ImageClassifier`` (``backbone.*``, ``head.fc.*``), loads it strictly into
the built classifier and saves ``{'meta': ..., 'state_dict': ...}``::

    python tools/model_converters/convert_mdistiller_teacher.py \\
        cifar_teachers/resnet32x4_vanilla/ckpt_epoch_240.pth \\
        checkpoints/resnet32x4_mdistiller_cifar100.pth --arch resnet32x4

Any key or shape that does not map stops the conversion, naming the key.
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
from pathlib import Path
from typing import List, Optional

# zkd_mm first: it installs the compat layer (torch.load allowlist, mmrazor
# on torch 2) and registers the backbones.
import zkd_mm  # noqa: F401 isort: skip
import torch

from zkd_mm.models.converters import (MDISTILLER_ARCHS,
                                      MdistillerCheckpointError,
                                      convert_mdistiller_checkpoint)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(
        description='Convert an mdistiller checkpoint to a zkd_mm '
        'ImageClassifier checkpoint')
    parser.add_argument('src', help='mdistiller checkpoint file')
    parser.add_argument('dst', help='output checkpoint file')
    parser.add_argument(
        '--arch',
        required=True,
        choices=list(MDISTILLER_ARCHS),
        metavar='NAME',
        help='mdistiller model name: ' + ', '.join(MDISTILLER_ARCHS))
    parser.add_argument(
        '--num-classes',
        type=int,
        help='classes of the head; defaults to 100 for CIFAR models and '
        '1000 for MobileNetV1')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    """Convert from the command line."""
    args = parse_args(argv)
    checkpoint = torch.load(args.src, map_location='cpu')
    try:
        converted = convert_mdistiller_checkpoint(
            checkpoint,
            args.arch,
            num_classes=args.num_classes,
            meta=dict(source=Path(args.src).name))
    except MdistillerCheckpointError as error:
        raise SystemExit(f'error: {args.src}: {error}')
    dst = Path(args.dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    torch.save(converted, dst)
    print(f'Saved {len(converted["state_dict"])} tensors of {args.arch} '
          f'({converted["meta"]["num_classes"]} classes) to {dst}')


if __name__ == '__main__':
    main()
