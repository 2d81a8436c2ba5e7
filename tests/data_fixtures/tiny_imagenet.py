# Copyright (c) zkd_mm contributors. All rights reserved.
"""A tiny ImageNet in mmpretrain's layout: folders plus annotation files.

``data_root/train/<wnid>/<name>.JPEG``, ``data_root/val/<name>.JPEG`` and
``data_root/meta/{train,val}.txt`` with ``<relative path> <label>`` lines,
which is what ``mmpretrain.datasets.ImageNet(split=...)`` reads.
"""
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image


def write_tiny_imagenet(data_root: Path,
                        num_train: int = 8,
                        num_val: int = 4,
                        size: int = 40,
                        labels: Sequence[int] = (0, 1, 2, 3),
                        seed: int = 0) -> Path:
    """Write random JPEGs with cycling labels; return ``data_root``."""
    rng = np.random.default_rng(seed)
    data_root = Path(data_root)
    (data_root / 'meta').mkdir(parents=True, exist_ok=True)
    for split, count in (('train', num_train), ('val', num_val)):
        lines = []
        for index in range(count):
            label = labels[index % len(labels)]
            if split == 'train':
                relative = f'n{label:08d}/{split}_{index:04d}.JPEG'
            else:
                relative = f'ILSVRC2012_val_{index:08d}.JPEG'
            path = data_root / split / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            pixels = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(path, quality=90)
            lines.append(f'{relative} {label}\n')
        (data_root / 'meta' / f'{split}.txt').write_text(''.join(lines))
    return data_root
