# Copyright (c) zkd_mm contributors. All rights reserved.
"""The Fashion-MNIST configs and the shipped teacher, on the real data.

- Every config in ``configs/fashion_mnist/`` trains one tiny epoch on real
  Fashion-MNIST images with mmengine's Runner (in this process) and
  validates; the distillation configs load the shipped teacher and report
  its accuracy next to the student's.
- The methods share teacher, data, augmentation and schedule, and their
  loss hyper-parameters are the documented ones.
- The shipped teacher checkpoint loads strictly into the teacher config's
  model and is as accurate as ``checkpoints/fashion_mnist/README.md`` says.

The data come from the Debian package ``dataset-fashion-mnist``; the tests
that need them skip, saying so, when it is not installed.
"""
import uuid

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from tests.subprocess_utils import REPO_ROOT
from tests.test_configs.runner_utils import train_one_epoch

import zkd_mm  # noqa: F401  isort: skip
from mmrazor.registry import MODELS  # isort: skip

CONFIG_DIR = REPO_ROOT / 'configs' / 'fashion_mnist'
PAIR = 'resnet18-w8_lenet5_fashion-mnist'
TEACHER_CONFIG = CONFIG_DIR / 'resnet18-w8_fashion-mnist.py'
STUDENT_CONFIG = CONFIG_DIR / 'lenet5_fashion-mnist.py'
# Config -> (loss type, loss kwargs, student CE weight, warm-up epochs).
DISTILL_CONFIGS = {
    f'kd_{PAIR}.py': ('KLDivergence', dict(tau=4.0,
                                           loss_weight=0.9), 0.1, None),
    f'kd-zscore_{PAIR}.py':
    ('ZScoreKLDivergence', dict(tau=2.0, loss_weight=9.0), 0.1, None),
    f'dkd_{PAIR}.py':
    ('ZScoreDKDLoss',
     dict(tau=4.0, alpha=1.0, beta=8.0, loss_weight=1.0,
          standardize=False), 1.0, 2),
    f'dkd-zscore_{PAIR}.py':
    ('ZScoreDKDLoss',
     dict(tau=2.0, alpha=1.0, beta=8.0, loss_weight=9.0,
          standardize=True), 1.0, 2),
}
ALL_CONFIGS = [TEACHER_CONFIG, STUDENT_CONFIG
               ] + [CONFIG_DIR / name for name in DISTILL_CONFIGS]
TEACHER_CKPT = (
    REPO_ROOT / 'checkpoints' / 'fashion_mnist' /
    'teacher_resnet18-w8_fmnist.pth')
# The shipped teacher's top-1 on the first 1000 test images, measured with
# the teacher config's test pipeline (90.95 on all 10000, as its training
# log and checkpoints/fashion_mnist/README.md say). The margin allows for
# other CPUs' rounding.
TEACHER_TOP1_FIRST_1000 = 92.1
TOP1_MARGIN = 0.5


def _config(path) -> Config:
    return Config.fromfile(str(path))


def test_all_configs_are_listed():
    assert sorted(CONFIG_DIR.glob('*.py')) == sorted(ALL_CONFIGS)


def test_methods_share_teacher_data_augmentation_and_schedule():
    teacher = _config(TEACHER_CONFIG)
    shared = ('train_pipeline', 'test_pipeline', 'train_dataloader',
              'val_dataloader', 'optim_wrapper', 'param_scheduler',
              'train_cfg')
    students = [STUDENT_CONFIG] + [CONFIG_DIR / n for n in DISTILL_CONFIGS]
    configs = [_config(path) for path in students]
    for cfg in configs[1:]:
        for key in shared:
            assert cfg[key] == configs[0][key], (cfg.filename, key)
        # The distillation teacher is the teacher config's model.
        for part in ('backbone', 'neck', 'head'):
            assert cfg.model.teacher[part] == teacher.model[part]
        assert cfg.model.architecture.backbone == (configs[0].model.backbone)
        assert cfg.model.teacher_ckpt == (
            'checkpoints/fashion_mnist/teacher_resnet18-w8_fmnist.pth')
        assert cfg.val_cfg.type == 'mmrazor.SingleTeacherDistillValLoop'
    # Data and augmentation of the teacher too; its lr and epochs differ.
    for key in ('train_pipeline', 'test_pipeline', 'train_dataloader',
                'val_dataloader'):
        assert teacher[key] == configs[0][key]


@pytest.mark.parametrize('name', sorted(DISTILL_CONFIGS))
def test_distill_loss_hyper_parameters(name):
    loss_type, kwargs, ce_weight, warmup = DISTILL_CONFIGS[name]
    cfg = _config(CONFIG_DIR / name)
    (loss, ) = cfg.model.distiller.distill_losses.values()
    assert loss.type == loss_type
    for key, value in kwargs.items():
        assert loss[key] == value, key
    assert cfg.model.architecture.head.loss.loss_weight == ce_weight
    hooks = cfg.get('custom_hooks', [])
    if warmup is None:
        assert not hooks
    else:
        assert hooks == [
            dict(type='mmrazor.DistillLossWarmupHook', warmup_epochs=warmup)
        ]


@pytest.mark.parametrize('path', ALL_CONFIGS, ids=lambda p: p.stem)
def test_config_trains_one_epoch_on_real_data(path, fashion_mnist_root,
                                              tmp_path):
    cfg = _config(path)
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = f'{path.stem}-{uuid.uuid4().hex[:8]}'
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.batch_size = 4
        loader.num_workers = 0
        loader.persistent_workers = False
        loader.dataset.data_root = str(fashion_mnist_root)
        loader.dataset.indices = 8
    cfg.train_cfg.max_epochs = 1
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger.interval = 1
    cfg.log_level = 'WARNING'
    runner, metrics = train_one_epoch(cfg)
    (last, ) = metrics.metrics
    assert 0 <= last['accuracy/top1'] <= 100
    if 'teacher' in cfg.model:
        # 8 real test images: the shipped teacher gets most of them right.
        assert last['teacher.accuracy/top1'] >= 75.0, last
        shipped = torch.load(TEACHER_CKPT, map_location='cpu')['state_dict']
        teacher = runner.model.teacher.state_dict()
        assert all(torch.equal(teacher[k], v) for k, v in shipped.items())


def test_shipped_teacher_loads_strictly_and_is_accurate(fashion_mnist_root):
    cfg = _config(TEACHER_CONFIG)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        teacher = MODELS.build(cfg.model)
    checkpoint = torch.load(TEACHER_CKPT, map_location='cpu')
    teacher.load_state_dict(checkpoint['state_dict'], strict=True)
    teacher.eval()

    loader_cfg = cfg.test_dataloader.copy()
    loader_cfg.dataset.data_root = str(fashion_mnist_root)
    loader_cfg.dataset.indices = 1000
    loader_cfg.num_workers = 0
    loader_cfg.persistent_workers = False
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(loader_cfg)
    assert len(loader.dataset) == 1000
    correct = 0
    with torch.no_grad():
        for batch in loader:
            for sample in teacher.test_step(batch):
                correct += int(sample.pred_label == sample.gt_label)
    top1 = correct / 10
    assert top1 >= TEACHER_TOP1_FIRST_1000 - TOP1_MARGIN, top1
