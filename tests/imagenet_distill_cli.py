# Copyright (c) zkd_mm contributors. All rights reserved.
"""Run the ImageNet R34 -> R18 configs through tools/train.py, tiny."""
import subprocess
import sys
from pathlib import Path
from typing import List, Sequence

import numpy as np
import torch

from tests.subprocess_utils import REPO_ROOT

IMAGENET_CONFIGS = sorted(
    (REPO_ROOT / 'configs' / 'imagenet').glob(
        '*_resnet34_resnet18_8xb64_in1k.py'))
# The training crop of the single-view configs, and of each view of the
# two-view (MLKD) configs, whose pipeline is [Load, MultiView, Pack].
SINGLE_VIEW_CROPS = ('train_dataloader.dataset.pipeline.1', )
TWO_VIEW_CROPS = ('train_dataloader.dataset.pipeline.1.transforms.0.0',
                  'train_dataloader.dataset.pipeline.1.transforms.1.0')


def train_crops(config: Path) -> Sequence[str]:
    """Where ``config``'s training crops are, for ``tiny_options``."""
    return TWO_VIEW_CROPS if config.name.startswith('mlkd') else (
        SINGLE_VIEW_CROPS)


def write_r34_teacher_checkpoint(path: Path) -> Path:
    """Save a random ResNet-34 classifier the way mmpretrain does."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    import zkd_mm  # noqa: F401

    from mmrazor.registry import MODELS  # isort: skip
    cfg = Config.fromfile(str(IMAGENET_CONFIGS[0]))
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        teacher = MODELS.build(cfg.model.teacher)
    torch.save(
        {
            'meta': {'epoch': np.int64(100), 'mmpretrain_version': '1.2.0'},
            'state_dict': teacher.state_dict()
        }, path)
    return path


def tiny_options(data_root: Path,
                 teacher_ckpt: Path,
                 max_epochs: int = 1,
                 crops: Sequence[str] = SINGLE_VIEW_CROPS) -> List[str]:
    """``--cfg-options`` that shrink an ImageNet config to tiny data.

    ``crops`` are the config paths of the training crops (see
    :func:`train_crops`).
    """
    return [f'{crop}.scale=32' for crop in crops] + [
        f'train_dataloader.dataset.data_root={data_root}',
        f'val_dataloader.dataset.data_root={data_root}',
        f'test_dataloader.dataset.data_root={data_root}',
        'val_dataloader.dataset.pipeline.1.scale=36',
        'val_dataloader.dataset.pipeline.2.crop_size=32',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'val_dataloader.batch_size=4', 'val_dataloader.num_workers=0',
        f'train_cfg.max_epochs={max_epochs}',
        'default_hooks.logger.interval=1',
        f'model.teacher_ckpt={teacher_ckpt}',
        'randomness.seed=0',
    ]


def run_train(config: Path, work_dir: Path, options: Sequence[str],
              extra_args: Sequence[str] = (),
              timeout: int = 600) -> subprocess.CompletedProcess:
    """``python tools/train.py CONFIG --work-dir ... --cfg-options ...``."""
    cmd = [
        sys.executable, 'tools/train.py',
        str(config), '--work-dir',
        str(work_dir), *extra_args, '--cfg-options', *options
    ]
    return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=timeout)
