# Copyright (c) zkd_mm contributors. All rights reserved.
"""Convert a torchvision ResNet checkpoint into an mmpretrain classifier's.

The paper's ImageNet teachers are torchvision's ResNets (e.g. ResNet-34,
top-1 73.31), whose keys (``conv1.weight``, ``layer1.0.bn1.weight``,
``fc.weight``) an mmpretrain ``ImageClassifier`` names
``backbone.conv1.weight``, ``backbone.layer1.0.bn1.weight`` and
``head.fc.weight``. The converted file must fit mmpretrain's ResNet of the
given depth exactly, every key with its shape; anything else is an error
that names the keys.

    python tools/model_converters/torchvision_resnet_to_mmpretrain.py \\
        resnet34-b627a593.pth work_dirs/resnet34_torchvision.pth --depth 34

then ``--cfg-options model.teacher_ckpt=work_dirs/resnet34_torchvision.pth``.
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
from typing import Dict, List, Optional

# zkd_mm first: its compat layer must be in place before mmrazor imports.
import zkd_mm  # noqa: F401 isort: skip
import torch
from mmengine.hub import get_config
from mmengine.registry import DefaultScope
from mmengine.runner import CheckpointLoader

from zkd_mm.models.utils import diff_state_dict

DEPTHS = (18, 34, 50, 101, 152)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('src', help='torchvision ResNet checkpoint')
    parser.add_argument('dst', help='the mmpretrain checkpoint to write')
    parser.add_argument('--depth', type=int, choices=DEPTHS, required=True)
    parser.add_argument('--num-classes', type=int, default=1000)
    return parser.parse_args(argv)


def torchvision_to_mmpretrain(
        state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """``fc.*`` -> ``head.fc.*``, every other key under ``backbone.``."""
    return {(f'head.{key}' if key.startswith('fc.') else f'backbone.{key}'):
            value
            for key, value in state_dict.items()}


def expected_state_dict(depth: int,
                        num_classes: int) -> Dict[str, torch.Tensor]:
    """The state dict of mmpretrain's ResNet-``depth`` classifier."""
    from mmpretrain.registry import MODELS
    cfg = get_config(f'mmpretrain::resnet/resnet{depth}_8xb32_in1k.py')
    cfg.model.head.num_classes = num_classes
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return MODELS.build(cfg.model).state_dict()


def main(argv: Optional[List[str]] = None) -> None:
    """Convert from the command line."""
    args = parse_args(argv)
    loaded = CheckpointLoader.load_checkpoint(args.src, map_location='cpu')
    state = loaded.get('state_dict', loaded)
    converted = torchvision_to_mmpretrain(state)
    diff = diff_state_dict(expected_state_dict(args.depth, args.num_classes),
                           converted)
    if not diff.exact:
        raise SystemExit(
            f'error: {args.src} is not a torchvision ResNet-{args.depth} '
            f'with {args.num_classes} classes: {diff.summary()}.')
    torch.save({'state_dict': converted}, args.dst)
    print(f'Saved {len(converted)} tensors to {args.dst} '
          f'(mmpretrain ResNet-{args.depth}, all {diff.required} keys).')


if __name__ == '__main__':
    main()
