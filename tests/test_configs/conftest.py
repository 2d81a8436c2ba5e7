# Copyright (c) zkd_mm contributors. All rights reserved.
"""Teacher checkpoints for the config tests, one per teacher architecture.

``tiny_cifar100`` and ``tiny_imagenet`` come from ``tests/conftest.py``.
"""
from pathlib import Path
from typing import Callable, Dict

import pytest
import torch

from tests.test_configs.runner_utils import (MARKER_BIAS,
                                             write_mdistiller_teacher)


@pytest.fixture(scope='session')
def cifar100_teacher_ckpt(tmp_path_factory) -> Callable[[str], Path]:
    """``get(arch)``: a converted teacher checkpoint, made once per arch."""
    folder = tmp_path_factory.mktemp('cifar100_teachers')
    made: Dict[str, Path] = {}

    def get(arch: str) -> Path:
        if arch not in made:
            made[arch] = write_mdistiller_teacher(arch, folder / f'{arch}.pth')
        return made[arch]

    return get


@pytest.fixture(scope='session')
def r50_teacher_ckpt(tmp_path_factory) -> Path:
    """A random ResNet-50 ImageNet classifier in mmpretrain's format."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from mmrazor.registry import MODELS  # isort: skip
    from tests.subprocess_utils import REPO_ROOT
    cfg = Config.fromfile(
        str(REPO_ROOT / 'configs' / '_base_' / 'pairs' / 'imagenet' /
            'resnet50_mobilenet-v1.py'))
    torch.manual_seed(1234)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        teacher = MODELS.build(cfg.pair.teacher)
    with torch.no_grad():
        teacher.head.fc.bias.fill_(MARKER_BIAS)
    path = tmp_path_factory.mktemp('teacher') / 'resnet50_teacher.pth'
    torch.save({'meta': {}, 'state_dict': teacher.state_dict()}, path)
    return path
