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
PAIR = 'resnet18-w8_lenet5_1xb128_fashion-mnist-10k'
TEACHER_CONFIG = CONFIG_DIR / 'resnet18-w8_1xb128_fashion-mnist.py'
STUDENT_CONFIG = CONFIG_DIR / 'lenet5_1xb128_fashion-mnist-10k.py'
# Config -> ({loss name: (type, kwargs)}, student CE weight, custom hooks).
_MLKD_T = (4.0, 3.0, 5.0, 2.0, 6.0)
_MLKD_Z_T = (2.0, 3.0, 5.0, 2.0, 6.0)
_CTKD_HOOK = dict(type='mmrazor.CTKDCurriculumHook', decay_max=0.0,
                  decay_min=-1.0, decay_loops=2)
DISTILL_CONFIGS = {
    f'kd_{PAIR}.py': (dict(loss_kl=('KLDivergence', dict(
        tau=4.0, loss_weight=0.9))), 0.1, []),
    f'kd-zscore_{PAIR}.py': (dict(loss_kl=('ZScoreKLDivergence', dict(
        tau=1.0, loss_weight=9.0))), 0.1, []),
    f'dkd_{PAIR}.py': (dict(loss_dkd=('DKDLoss', dict(
        tau=2.0, alpha=1.0, beta=8.0, loss_weight=1.0,
        reduction='batchmean'))),
                       1.0, [dict(type='mmrazor.DistillLossWarmupHook',
                                  warmup_epochs=2)]),
    f'dkd-zscore_{PAIR}.py': (dict(loss_dkd=('DKDLoss', dict(
        tau=2.0, alpha=1.0, beta=8.0, loss_weight=9.0,
        reduction='batchmean'))),
                              1.0, [dict(type='mmrazor.DistillLossWarmupHook',
                                         warmup_epochs=2)]),
    f'ctkd_{PAIR}.py': (dict(loss_kl=('CTKDLoss', dict(
        standardize=False, t_start=1.0, t_end=20.0, loss_weight=0.9))), 0.1,
                        [_CTKD_HOOK]),
    f'ctkd-zscore_{PAIR}.py': (dict(loss_kl=('CTKDLoss', dict(
        standardize=True, t_start=1.0, t_end=20.0, loss_weight=3.0))), 0.1,
                               [_CTKD_HOOK]),
    f'mlkd_{PAIR}.py': (dict(
        loss_instance=('MLKDInstanceLoss', dict(
            temperatures=_MLKD_T, standardize=False, loss_weight=0.01)),
        loss_class=('MLKDClassLoss', dict(temperatures=_MLKD_T,
                                          loss_weight=0.01)),
        loss_batch=('MLKDBatchLoss', dict(temperatures=_MLKD_T,
                                          loss_weight=0.01))), 1.0, []),
    f'mlkd-zscore_{PAIR}.py': (dict(
        loss_instance=('MLKDInstanceLoss', dict(
            temperatures=_MLKD_Z_T, standardize=True, loss_weight=0.01)),
        loss_class=('MLKDClassLoss', dict(temperatures=_MLKD_Z_T,
                                          loss_weight=0.01)),
        loss_batch=('MLKDBatchLoss', dict(temperatures=_MLKD_Z_T,
                                          loss_weight=0.01))), 1.0, []),
}
# SGD lr and weight decay of each student, as chosen on the validation split
# (docs/results/fashion_mnist_tuning/README.md: the best grid point).
OPTIMIZERS = {
    STUDENT_CONFIG.name: (0.2, 5e-5),
    f'kd_{PAIR}.py': (0.1, 5e-4),
    f'kd-zscore_{PAIR}.py': (0.05, 5e-4),
    f'dkd_{PAIR}.py': (0.02, 5e-4),
    f'dkd-zscore_{PAIR}.py': (0.01, 5e-4),
    f'ctkd_{PAIR}.py': (0.2, 5e-4),
    f'ctkd-zscore_{PAIR}.py': (0.2, 5e-4),
    f'mlkd_{PAIR}.py': (0.05, 5e-4),
    f'mlkd-zscore_{PAIR}.py': (0.05, 5e-4),
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
    shared = ('test_pipeline', 'val_dataloader', 'test_dataloader',
              'param_scheduler', 'train_cfg')
    students = [STUDENT_CONFIG] + [CONFIG_DIR / n for n in DISTILL_CONFIGS]
    configs = [_config(path) for path in students]
    for path, cfg in zip(students, configs):
        # SGD with the same momentum everywhere; lr and weight decay are
        # each method's own, tuned with the same budget.
        optimizer = cfg.optim_wrapper.optimizer
        assert (optimizer.type, optimizer.momentum) == ('SGD', 0.9)
        assert (optimizer.lr,
                optimizer.weight_decay) == OPTIMIZERS[path.name], path.name
    for cfg in configs[1:]:
        for key in shared:
            assert cfg[key] == configs[0][key], (cfg.filename, key)
        # MLKD draws two views from the same images; the others one.
        loader = cfg.train_dataloader
        if 'mlkd' in cfg.filename:
            assert [t.type for t in loader.dataset.pipeline] == [
                'MultiView', 'PackInputs'
            ]
            assert loader.dataset.pipeline[0].transforms[0] == (
                configs[0].train_pipeline[:-1])
        else:
            assert loader == configs[0].train_dataloader, cfg.filename
        assert loader.dataset.indices == 10000
        # The distillation teacher is the teacher config's model.
        for part in ('backbone', 'neck', 'head'):
            assert cfg.model.teacher[part] == teacher.model[part]
        assert cfg.model.architecture.backbone == (configs[0].model.backbone)
        assert cfg.model.teacher_ckpt == (
            'checkpoints/fashion_mnist/teacher_resnet18-w8_fmnist.pth')
        assert cfg.val_cfg.type == 'mmrazor.SingleTeacherDistillValLoop'
    # The teacher's data and augmentation too (it trained on all 60000
    # training images and validated on the test split); its lr and epochs
    # differ.
    for key in ('train_pipeline', 'test_pipeline'):
        assert teacher[key] == configs[0][key]
    assert teacher.train_dataloader.dataset.indices is None
    assert teacher.val_dataloader == configs[0].test_dataloader


def test_students_validate_on_held_out_training_images():
    """Hyper-parameters are chosen on images that no student trains on."""
    for path in [STUDENT_CONFIG] + [CONFIG_DIR / n for n in DISTILL_CONFIGS]:
        cfg = _config(path)
        train, val, test = (cfg[f'{s}_dataloader'].dataset
                            for s in ('train', 'val', 'test'))
        assert (train.split, train.test_mode, train.indices) == (
            'train', False, 10000)  # the first 10000 of 60000
        assert (val.split, val.test_mode, val.indices) == ('train', False,
                                                           -10000)
        assert (test.split, test.test_mode, test.indices) == ('test', True,
                                                              None)
        assert cfg.default_hooks.checkpoint.save_best == 'accuracy/top1'


@pytest.mark.parametrize('name', sorted(DISTILL_CONFIGS))
def test_distill_loss_hyper_parameters(name):
    losses, ce_weight, hooks = DISTILL_CONFIGS[name]
    cfg = _config(CONFIG_DIR / name)
    assert sorted(cfg.model.distiller.distill_losses) == sorted(losses)
    for loss_name, (loss_type, kwargs) in losses.items():
        loss = cfg.model.distiller.distill_losses[loss_name]
        assert loss.type == loss_type
        for key, value in kwargs.items():
            assert loss[key] == value, (loss_name, key)
    assert cfg.model.architecture.head.loss.loss_weight == ce_weight
    assert cfg.get('custom_hooks', []) == hooks
    assert cfg.model.distiller.student_recorders.fc.source == (
        'backbone.classifier')
    # DKD + Z-score standardizes in the distiller; the other -zscore
    # configs in their losses.
    distiller = cfg.model.distiller
    if name.startswith('dkd-zscore'):
        assert (distiller.type, distiller.standardized_recorders) == (
            'LogitStandardizedDistiller', ['fc'])
    else:
        assert distiller.type == 'ConfigurableDistiller'


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
