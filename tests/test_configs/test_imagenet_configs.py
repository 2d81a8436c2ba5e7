# Copyright (c) zkd_mm contributors. All rights reserved.
"""Every ImageNet config builds, trains 2 iterations and validates."""
import re

import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

from tests.imagenet_distill_cli import (IMAGENET_CONFIGS, run_train,
                                        tiny_options, train_crops)
from tests.subprocess_utils import REPO_ROOT

import zkd_mm  # noqa: F401  isort: skip
from mmrazor.registry import MODELS  # isort: skip


def test_main_config_is_where_users_run_it():
    # The README's command, and zkd_mm 0.1's name of it.
    assert (REPO_ROOT / 'configs' / 'imagenet' /
            'kd-zscore_resnet34_resnet18_8xb64_in1k.py').exists()
    assert (REPO_ROOT / 'configs' / 'kd_zscore_r34_r18_in1k.py').exists()
    names = {path.name.split('_')[0] for path in IMAGENET_CONFIGS}
    assert names == {
        'kd', 'kd-zscore', 'dkd-zscore', 'ctkd', 'ctkd-zscore', 'mlkd',
        'mlkd-zscore', 'dist-zscore', 'wsld-zscore'
    }


@pytest.mark.parametrize('config', IMAGENET_CONFIGS, ids=lambda p: p.name)
def test_config_loads_and_builds(config):
    cfg = Config.fromfile(str(config))
    mlkd = config.name.startswith('mlkd')
    assert cfg.model.teacher_ckpt.startswith('https://download.openmmlab')
    # MLKD's ImageNet YAML: lr 0.1, CE 0.5 (per view); the others 0.2, 1.0.
    assert cfg.optim_wrapper.optimizer.lr == (0.1 if mlkd else 0.2)
    assert cfg.train_dataloader.batch_size * 8 == 512
    assert cfg.train_cfg.max_epochs == 100
    assert cfg.param_scheduler.milestones == [30, 60, 90]
    assert cfg.model.architecture.head.loss.loss_weight == (
        0.5 if mlkd else 1.0)
    cfg.model.teacher_ckpt = None  # no network in tests
    cfg.model.allow_random_teacher = True
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(cfg.model)
    if mlkd:
        assert type(model).__name__ == 'MultiViewSingleTeacherDistill'
        assert sorted(model.distiller.distill_losses) == [
            'loss_batch', 'loss_class', 'loss_instance'
        ]
    else:
        assert type(model).__name__ == 'CheckedSingleTeacherDistill'
        assert len(model.distiller.distill_losses) == 1


# MLKD's ImageNet YAML of the paper's repository (base temperature 1, KD
# weight 0.5); with Z-score the paper's usual tau 2 and weight 9 (its
# ImageNet MLKD + Z-score settings are not published).
MLKD_IMAGENET = {
    'mlkd_resnet34_resnet18_8xb64_in1k.py': (1.0, 0.5, False),
    'mlkd-zscore_resnet34_resnet18_8xb64_in1k.py': (2.0, 9.0, True),
}


@pytest.mark.parametrize('name', sorted(MLKD_IMAGENET))
def test_mlkd_imagenet_configs(name):
    tau, weight, standardize = MLKD_IMAGENET[name]
    cfg = Config.fromfile(str(REPO_ROOT / 'configs' / 'imagenet' / name))
    losses = cfg.model.distiller.distill_losses
    for key, loss_type in (('loss_instance', 'MLKDInstanceLoss'),
                           ('loss_class', 'MLKDClassLoss'),
                           ('loss_batch', 'MLKDBatchLoss')):
        loss = losses[key]
        assert loss.type == loss_type
        assert tuple(loss.temperatures) == (tau, 3.0, 5.0, 2.0, 6.0)
        assert loss.loss_weight == weight
        assert not loss.get('official_quirks', False)
    assert losses.loss_instance.standardize is standardize
    mappings = cfg.model.distiller.loss_forward_mappings
    assert {k: (v.from_student, v.record_idx)
            for k, v in mappings.loss_instance.items()} == {
                'preds_S_weak': (True, 0), 'preds_T_weak': (False, 0),
                'preds_S_strong': (True, 1), 'preds_T_strong': (False, 1)}
    for key in ('loss_class', 'loss_batch'):
        assert {k: (v.from_student, v.record_idx)
                for k, v in mappings[key].items()} == {
                    'preds_S': (True, 0), 'preds_T': (False, 0)}
    # Two views: the weak one (crop, flip) and the strong one (the same,
    # RandAugment with 2 ops, then Cutout up to half of 224).
    load, views, pack = cfg.train_dataloader.dataset.pipeline
    assert (load.type, views.type, pack.type) == ('LoadImageFromFile',
                                                  'MultiView', 'PackInputs')
    weak, strong = views.transforms
    assert [t.type for t in weak] == ['RandomResizedCrop', 'RandomFlip']
    assert strong[:2] == weak
    assert [t.type for t in strong[2:]] == ['RandAugment', 'RandAugment']
    assert strong[2].num_policies == 2 and len(strong[2].policies) == 14
    assert [p.type for p in strong[3].policies] == ['Cutout']
    assert tuple(strong[3].policies[0].magnitude_range) == (0, 112)
    assert cfg.model.data_preprocessor.type == 'MultiViewDataPreprocessor'


@pytest.mark.parametrize('config', IMAGENET_CONFIGS, ids=lambda p: p.name)
def test_config_trains_and_validates(config, tiny_imagenet, r34_teacher_ckpt,
                                     tmp_path):
    result = run_train(
        config, tmp_path,
        tiny_options(tiny_imagenet, r34_teacher_ckpt,
                     crops=train_crops(config)))
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
    config = (REPO_ROOT / 'configs' / 'imagenet' /
              'dkd-zscore_resnet34_resnet18_8xb64_in1k.py')
    options = tiny_options(tiny_imagenet, r34_teacher_ckpt, max_epochs=2)
    result = run_train(config, tmp_path,
                       options + ['custom_hooks.0.warmup_epochs=2'])
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    factors = re.findall(r'Epoch\(train\) \[(\d)\]\[\d/2\].*'
                         r'distill_warmup_factor: ([\d.]+)', log)
    assert sorted(set(factors)) == [('1', '0.5000'), ('2', '1.0000')]
