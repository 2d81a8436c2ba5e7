# Copyright (c) zkd_mm contributors. All rights reserved.
"""Every ImageNet config builds, trains 2 iterations and validates."""
import re

import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

from tests.imagenet_distill_cli import (IMAGENET_CONFIGS, run_train,
                                        tiny_options)
from tests.subprocess_utils import REPO_ROOT

import zkd_mm  # noqa: F401  isort: skip
from mmrazor.registry import MODELS  # isort: skip


def test_main_config_is_where_users_run_it():
    assert (REPO_ROOT / 'configs' / 'kd_zscore_r34_r18_in1k.py').exists()
    names = {path.name for path in IMAGENET_CONFIGS}
    assert {
        'kd_zscore_r34_r18_in1k.py', 'kd_r34_r18_in1k.py',
        'dkd_zscore_r34_r18_in1k.py', 'dist_zscore_r34_r18_in1k.py',
        'wsld_zscore_r34_r18_in1k.py'
    } <= names


@pytest.mark.parametrize('config', IMAGENET_CONFIGS, ids=lambda p: p.name)
def test_config_loads_and_builds(config):
    cfg = Config.fromfile(str(config))
    assert cfg.model.teacher_ckpt.startswith('https://download.openmmlab')
    assert cfg.optim_wrapper.optimizer.lr == 0.2
    assert cfg.train_dataloader.batch_size * 8 == 512
    assert cfg.train_cfg.max_epochs == 100
    assert cfg.param_scheduler.milestones == [30, 60, 90]
    assert cfg.model.architecture.head.loss.loss_weight == 1.0
    cfg.model.teacher_ckpt = None  # no network in tests
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'CheckedSingleTeacherDistill'
    assert len(model.distiller.distill_losses) == 1


@pytest.mark.parametrize('config', IMAGENET_CONFIGS, ids=lambda p: p.name)
def test_config_trains_and_validates(config, tiny_imagenet, r34_teacher_ckpt,
                                     tmp_path):
    result = run_train(config, tmp_path,
                       tiny_options(tiny_imagenet, r34_teacher_ckpt))
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    assert 'Epoch(train) [1][2/2]' in log
    assert re.search(r'distill\.loss_\w+: \d', log)
    val = [line for line in log.splitlines() if 'Epoch(val) [1][1/1]' in line]
    assert val and 'accuracy/top1' in val[-1], log[-3000:]
    assert 'teacher.accuracy/top1' in val[-1]
    assert (tmp_path / 'epoch_1.pth').exists()
    assert 'Loaded teacher checkpoint' in log


def test_dkd_warmup_ramps_the_distill_weight(tiny_imagenet, r34_teacher_ckpt,
                                             tmp_path):
    config = REPO_ROOT / 'configs' / 'dkd_zscore_r34_r18_in1k.py'
    options = tiny_options(tiny_imagenet, r34_teacher_ckpt, max_epochs=2)
    result = run_train(config, tmp_path,
                       options + ['custom_hooks.0.warmup_epochs=2'])
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    factors = re.findall(r'Epoch\(train\) \[(\d)\]\[\d/2\].*'
                         r'distill_warmup_factor: ([\d.]+)', log)
    assert sorted(set(factors)) == [('1', '0.5000'), ('2', '1.0000')]
