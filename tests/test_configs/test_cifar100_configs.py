# Copyright (c) zkd_mm contributors. All rights reserved.
"""The CIFAR-100 configs and the ImageNet R50 -> MobileNetV1 configs.

Each config is checked against the paper's hyper-parameters (a table copied
here from the method notes, independent of the configs' bases), then built by
mmengine's Runner, trained for one epoch of 2 iterations on tiny data with
a teacher checkpoint made like the README's, and validated, student and
teacher. The Runner runs in this process: 114 subprocesses would each
spend seconds on imports.
"""
import math

import pytest
import torch

from tests.subprocess_utils import REPO_ROOT
from tests.test_configs.loaded import fresh, loaded
from tests.test_configs.runner_utils import (MARKER_BIAS, shrink,
                                             train_one_epoch)

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.models.converters import MDISTILLER_ARCHS  # isort: skip

CIFAR_DIR = REPO_ROOT / 'configs' / 'cifar100'
CIFAR_CONFIGS = sorted(CIFAR_DIR.glob('*.py'))
MV1_CONFIGS = [
    REPO_ROOT / 'configs' / 'imagenet' /
    f'{method}_resnet50_mobilenet-v1_8xb64_in1k.py'
    for method in ('kd', 'kd-zscore')
]
METHODS = ('kd', 'kd-zscore', 'dkd', 'dkd-zscore', 'ctkd', 'ctkd-zscore',
           'mlkd', 'mlkd-zscore')
# Config name field -> mdistiller name (the others are equal).
ARCH_OF_TOKEN = {
    'wrn-40-2': 'wrn_40_2',
    'wrn-40-1': 'wrn_40_1',
    'wrn-16-2': 'wrn_16_2',
    'mobilenet-v2': 'MobileNetV2',
    'shufflenet-v2': 'ShuffleV2',
    'resnet50': 'ResNet50',
}

# Method notes §3.2 (per-pair values of the paper's log names; DKD BETA of
# the vanilla baseline from the repository's DKD YAMLs, 8 where missing):
# (teacher, student): (KD+Z tau, KD+Z w, DKD+Z tau, DKD+Z w, DKD+Z BETA,
#                      vanilla DKD BETA, lr)
PAPER_HPARAMS = {
    ('resnet32x4', 'resnet8x4'): (2, 9, 2, 9, 8, 8, 0.05),
    ('vgg13', 'vgg8'): (3, 9, 2, 15, 2, 6, 0.05),
    ('wrn_40_2', 'wrn_40_1'): (2, 9, 2, 12, 2, 6, 0.05),
    ('wrn_40_2', 'wrn_16_2'): (2, 9, 2, 12, 2, 6, 0.05),
    ('resnet56', 'resnet20'): (2, 9, 3, 18, 2, 2, 0.05),
    ('resnet110', 'resnet32'): (2, 9, 2, 15, 2, 2, 0.05),
    ('resnet110', 'resnet20'): (4, 12, 2, 15, 2, 8, 0.05),
    ('resnet32x4', 'ShuffleV2'): (2, 9, 2, 9, 8, 8, 0.01),
    ('resnet32x4', 'wrn_16_2'): (3, 9, 2, 9, 2, 8, 0.05),
    ('resnet32x4', 'wrn_40_2'): (3, 9, 2, 9, 8, 8, 0.05),
    ('wrn_40_2', 'resnet8x4'): (2, 9, 2, 18, 2, 8, 0.05),
    ('wrn_40_2', 'MobileNetV2'): (3, 9, 2, 15, 2, 8, 0.01),
    ('vgg13', 'MobileNetV2'): (3, 9, 3, 9, 2, 6, 0.01),
    ('ResNet50', 'MobileNetV2'): (3, 1, 2, 15, 2, 8, 0.01),
}


# Method notes §2 and §3.2, CTKD (the same for every pair): T = 1 + 20 *
# sigmoid(theta), reversal 0 -> -1 over 10 epochs, CE 0.1. KD weight 0.9
# without Z-score (the CTKD paper's script, zhengli97/CTKD, whose numbers
# the paper reports) and 9 with it (-a 9, the paper's CTKD script).
CTKD_KD_WEIGHT = {'ctkd': 0.9, 'ctkd-zscore': 9.0}

# Method notes §3.1 and §3.2, MLKD: (tau, w) of MLKD + Z-score from the
# paper's MLKD log names (train.py's defaults 2, 9 where there is no log:
# R56 -> R20, W40-2 -> MN-V2); lr and epochs of the MLKD YAMLs (0.025; 0.01
# for vgg13 -> vgg8, vgg13/R50 -> MV2 and ShuffleNet students; 0.005 for
# wrn40-2 -> MV2; 480 epochs, 960 for ShuffleNet students).
# (teacher, student): (tau, w, lr, epochs)
MLKD_HPARAMS = {
    ('resnet32x4', 'resnet8x4'): (2, 9, 0.025, 480),
    ('vgg13', 'vgg8'): (2, 6, 0.01, 480),
    ('wrn_40_2', 'wrn_40_1'): (2, 9, 0.025, 480),
    ('wrn_40_2', 'wrn_16_2'): (2, 9, 0.025, 480),
    ('resnet56', 'resnet20'): (2, 9, 0.025, 480),
    ('resnet110', 'resnet32'): (2, 9, 0.025, 480),
    ('resnet110', 'resnet20'): (2, 9, 0.025, 480),
    ('resnet32x4', 'ShuffleV2'): (2, 6, 0.01, 960),
    ('resnet32x4', 'wrn_16_2'): (2, 9, 0.025, 480),
    ('resnet32x4', 'wrn_40_2'): (2, 9, 0.025, 480),
    ('wrn_40_2', 'resnet8x4'): (2, 9, 0.025, 480),
    ('wrn_40_2', 'MobileNetV2'): (2, 9, 0.005, 480),
    ('vgg13', 'MobileNetV2'): (2, 6, 0.01, 480),
    ('ResNet50', 'MobileNetV2'): (2, 9, 0.01, 480),
}
# Vanilla MLKD (MLKD's own defaults): base tau 4, KD weight 0.9. Both
# variants sum every level over (tau, 3, 5, 2, 6).
MLKD_VANILLA = (4.0, 0.9)
MLKD_LOSSES = {
    'loss_instance': 'MLKDInstanceLoss',
    'loss_class': 'MLKDClassLoss',
    'loss_batch': 'MLKDBatchLoss'
}
CIFAR_MEAN = [129.304, 124.070, 112.434]
CIFAR_STD = [68.170, 65.392, 70.418]


def parse_name(config) -> tuple:
    """``(method, teacher, student)`` of
    ``{method}_{t}_{s}_1xb64_cifar100.py``."""
    method, teacher, student, batch, dataset = config.stem.split('_')
    assert (batch, dataset) == ('1xb64', 'cifar100'), config.name
    return (method, ARCH_OF_TOKEN.get(teacher, teacher),
            ARCH_OF_TOKEN.get(student, student))


def test_every_pair_has_every_method():
    found = {parse_name(config) for config in CIFAR_CONFIGS}
    expected = {(method, teacher, student)
                for teacher, student in PAPER_HPARAMS for method in METHODS}
    assert found == expected
    assert set(MLKD_HPARAMS) == set(PAPER_HPARAMS)
    assert len(CIFAR_CONFIGS) == 112


def _check_classifier(model, arch_name: str, ce_weight: float) -> None:
    arch = MDISTILLER_ARCHS[arch_name]
    assert model.type == 'ImageClassifier'
    assert model.backbone.to_dict() == arch.backbone_cfg()
    assert model.neck.type == 'GlobalAveragePooling'
    assert model.head.type == 'LinearClsHead'
    assert model.head.num_classes == 100
    assert model.head.in_channels == arch.channels
    # CrossEntropyLoss's default weight is 1.
    assert model.head.loss.type == 'CrossEntropyLoss'
    assert model.head.loss.get('loss_weight', 1.0) == ce_weight


def _view(from_student: bool, idx: int) -> dict:
    return dict(from_student=from_student, recorder='fc', record_idx=idx)


def _check_mlkd(cfg, method: str, teacher: str, student: str) -> None:
    """MLKD's two views, algorithm, losses and schedule."""
    tau, w, lr, epochs = MLKD_HPARAMS[teacher, student]
    if method == 'mlkd':
        tau, w = MLKD_VANILLA
    assert cfg.train_cfg.max_epochs == epochs
    assert cfg.optim_wrapper.optimizer.lr == lr

    # Weak view: crop and flip; strong view: the same, then RandAugment (2
    # ops) and Cutout; one image each.
    pipeline = cfg.train_dataloader.dataset.pipeline
    assert [t.type for t in pipeline] == ['MultiView', 'PackInputs']
    assert list(pipeline[0].num_views) == [1, 1]
    weak, strong = pipeline[0].transforms
    assert [t.type for t in weak] == ['RandomCrop', 'RandomFlip']
    assert [t.type for t in strong] == [
        'RandomCrop', 'RandomFlip', 'RandAugment', 'RandAugment'
    ]
    for view in (weak, strong):
        assert (view[0].crop_size, view[0].padding) == (32, 4)
        assert (view[1].prob, view[1].direction) == (0.5, 'horizontal')
    assert strong[2].num_policies == 2
    assert len(strong[2].policies) == 14
    assert strong[3].num_policies == 1
    assert [p.type for p in strong[3].policies] == ['Cutout']
    assert tuple(strong[3].policies[0].magnitude_range) == (0, 16)

    preprocessor = cfg.model.data_preprocessor
    assert preprocessor.type == 'MultiViewDataPreprocessor'
    assert preprocessor.num_views == 2
    inner = preprocessor.preprocessor
    assert inner.type == 'ImgDataPreprocessor'
    assert (inner.mean, inner.std) == (CIFAR_MEAN, CIFAR_STD)
    assert not inner.bgr_to_rgb
    assert cfg.model.type == 'MultiViewSingleTeacherDistill'
    assert tuple(cfg.model.view_names) == ('weak', 'strong')

    distiller = cfg.model.distiller
    losses = distiller.distill_losses
    assert {name: loss.type
            for name, loss in losses.items()} == MLKD_LOSSES
    for loss in losses.values():
        assert tuple(loss.temperatures) == (tau, 3.0, 5.0, 2.0, 6.0)
        assert loss.loss_weight == w
        # The per-sample masks, not the official code's scalar ones.
        assert not loss.get('official_quirks', False)
    assert losses.loss_instance.standardize == (method == 'mlkd-zscore')
    for side in ('student_recorders', 'teacher_recorders'):
        assert distiller[side].to_dict() == dict(
            fc=dict(type='ModuleOutputs', source='head.fc'))
    mappings = distiller.loss_forward_mappings.to_dict()
    assert mappings == dict(
        loss_instance=dict(
            preds_S_weak=_view(True, 0),
            preds_T_weak=_view(False, 0),
            preds_S_strong=_view(True, 1),
            preds_T_strong=_view(False, 1)),
        loss_class=dict(preds_S=_view(True, 0), preds_T=_view(False, 0)),
        loss_batch=dict(preds_S=_view(True, 0), preds_T=_view(False, 0)))


@pytest.mark.parametrize('config', CIFAR_CONFIGS, ids=lambda p: p.stem)
def test_hyperparameters_follow_the_paper(config):
    method, teacher, student = parse_name(config)
    kd_tau, kd_w, dkd_tau, dkd_w, dkd_beta, vanilla_beta, lr = (
        PAPER_HPARAMS[teacher, student])
    cfg = loaded(config)

    # Schedule, data and runtime of the paper's CIFAR-100 setup.
    assert cfg.custom_imports.imports == ['zkd_mm']
    assert not cfg.custom_imports.allow_failed_imports
    assert cfg.train_dataloader.batch_size == 64
    assert cfg.param_scheduler.milestones == [150, 180, 210]
    assert cfg.param_scheduler.gamma == 0.1
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.type, optimizer.momentum,
            optimizer.weight_decay) == ('SGD', 0.9, 5e-4)
    dataset = cfg.train_dataloader.dataset
    assert (dataset.type, dataset.data_root) == ('CIFAR100', 'data/cifar100')
    assert cfg.val_dataloader.dataset.split == 'test'
    assert [t.type for t in cfg.val_dataloader.dataset.pipeline
            ] == ['PackInputs']
    assert cfg.val_cfg.type == 'mmrazor.SingleTeacherDistillValLoop'

    # Models and teacher.
    assert cfg.model.teacher_ckpt == (
        f'checkpoints/cifar100_teachers/{teacher}.pth')
    ce = 1.0 if method.startswith('dkd') else 0.1
    _check_classifier(cfg.model.architecture, student, ce)
    _check_classifier(cfg.model.teacher, teacher, 1.0)
    hooks = [hook.type for hook in cfg.get('custom_hooks', [])]
    if method.startswith('mlkd'):
        _check_mlkd(cfg, method, teacher, student)
        assert hooks == []
        return

    assert cfg.train_cfg.max_epochs == 240
    assert optimizer.lr == lr
    assert [t.type for t in dataset.pipeline
            ] == ['RandomCrop', 'RandomFlip', 'PackInputs']
    assert dataset.pipeline[0].padding == 4
    preprocessor = cfg.model.data_preprocessor
    assert preprocessor.mean == CIFAR_MEAN
    assert preprocessor.std == CIFAR_STD
    assert not preprocessor.bgr_to_rgb
    assert cfg.model.type == 'CheckedSingleTeacherDistill'

    # The distillation loss.
    losses = cfg.model.distiller.distill_losses
    assert len(losses) == 1
    loss = next(iter(losses.values()))
    if method == 'kd':
        assert (loss.type, loss.tau, loss.loss_weight) == (
            'KLDivergence', 4.0, 0.9)
    elif method == 'kd-zscore':
        assert (loss.type, loss.tau, loss.loss_weight) == (
            'ZScoreKLDivergence', kd_tau, kd_w)
    elif method == 'dkd':
        assert (loss.type, loss.tau, loss.alpha, loss.beta,
                loss.loss_weight) == ('DKDLoss', 4.0, 1.0, vanilla_beta, 1.0)
    elif method == 'dkd-zscore':
        # MMRazor's DKDLoss on the logits LogitStandardizedDistiller
        # standardizes.
        assert (loss.type, loss.tau, loss.alpha, loss.beta,
                loss.loss_weight) == ('DKDLoss', dkd_tau, 1.0, dkd_beta, dkd_w)
    else:
        assert (loss.type, loss.standardize, loss.t_start, loss.t_end,
                loss.loss_weight) == ('CTKDLoss', method == 'ctkd-zscore',
                                      1.0, 20.0, CTKD_KD_WEIGHT[method])
    zscore_by_distiller = method == 'dkd-zscore'
    assert (cfg.model.distiller.type == 'LogitStandardizedDistiller') is (
        zscore_by_distiller)
    if zscore_by_distiller:
        assert cfg.model.distiller.standardized_recorders == ['fc']
    if method.startswith('dkd'):
        assert loss.reduction == 'batchmean'
        assert hooks == ['mmrazor.DistillLossWarmupHook']
        assert cfg.custom_hooks[0].warmup_epochs == 20
    elif method.startswith('ctkd'):
        assert hooks == ['mmrazor.CTKDCurriculumHook']
        hook = cfg.custom_hooks[0]
        assert (hook.decay_max, hook.decay_min,
                hook.decay_loops) == (0.0, -1.0, 10)
    else:
        assert hooks == []


def _assert_teacher_loaded_and_frozen(runner, teacher_ckpt) -> None:
    teacher = runner.model.teacher
    saved = torch.load(teacher_ckpt, map_location='cpu')['state_dict']
    for key, value in teacher.state_dict().items():
        assert torch.equal(value, saved[key]), key
    assert torch.all(teacher.head.fc.bias == MARKER_BIAS)
    assert not any(p.requires_grad for p in teacher.parameters())


def _assert_trained_and_validated(runner,
                                  metrics,
                                  logged=('train/student.loss', )) -> None:
    """One epoch of 2 iterations, one validation; finite ``logged`` losses.
    """
    assert runner.iter == 2 and runner.epoch == 1
    assert len(metrics.metrics) == 1
    val = metrics.metrics[0]
    for key in ('accuracy/top1', 'accuracy/top5', 'teacher.accuracy/top1',
                'teacher.accuracy/top5'):
        assert key in val and math.isfinite(val[key]), val
    scalars = runner.message_hub.log_scalars
    distill = [key for key in scalars if key.startswith('train/distill.')]
    assert distill, list(scalars)
    for key in distill + ['train/loss', *logged]:
        assert key in scalars, (key, list(scalars))
        assert math.isfinite(scalars[key].current()), key


@pytest.mark.parametrize('config', CIFAR_CONFIGS, ids=lambda p: p.stem)
def test_cifar100_config_trains_and_validates(config, tiny_cifar100,
                                              cifar100_teacher_ckpt,
                                              tmp_path):
    method, teacher, _ = parse_name(config)
    teacher_ckpt = cifar100_teacher_ckpt(teacher)
    cfg = shrink(
        fresh(config), tiny_cifar100, tmp_path, teacher_ckpt)
    runner, metrics = train_one_epoch(cfg)
    if method.startswith('mlkd'):
        # CE on each view, and the three levels, each logged on its own.
        logged = ['train/student.weak.loss', 'train/student.strong.loss']
        logged += [f'train/distill.{name}' for name in MLKD_LOSSES]
        _assert_trained_and_validated(runner, metrics, logged)
        _assert_teacher_loaded_and_frozen(runner, teacher_ckpt)
        built = runner.model.distiller.distill_losses
        for name, loss in cfg.model.distiller.distill_losses.items():
            assert type(built[name]).__name__ == loss.type
            assert built[name].loss_weight == loss.loss_weight
        return
    _assert_trained_and_validated(runner, metrics)
    _assert_teacher_loaded_and_frozen(runner, teacher_ckpt)
    loss = next(iter(runner.model.distiller.distill_losses.values()))
    base_weight = next(
        iter(cfg.model.distiller.distill_losses.values())).loss_weight
    # Epoch 1 of DKD's 20-epoch warm-up trains at 1/20 of the weight.
    factor = 1 / 20 if method.startswith('dkd') else 1.0
    assert loss.loss_weight == pytest.approx(base_weight * factor)
    if method.startswith('ctkd'):
        # Epoch 1 of the curriculum; the temperature of both iterations is
        # logged, starting from the official 15.62.
        assert loss.temperature.lambda_ == pytest.approx(-0.0244717, abs=1e-7)
        trace = runner.message_hub.get_scalar('train/ctkd_temperature')
        assert len(trace.data[0]) == 2
        assert trace.data[0][0] == pytest.approx(15.6212, abs=1e-4)


@pytest.mark.parametrize('config', MV1_CONFIGS, ids=lambda p: p.stem)
def test_r50_mv1_hyperparameters(config):
    cfg = loaded(config)
    assert cfg.model.teacher_ckpt == (
        'https://download.openmmlab.com/mmclassification/v0/resnet/'
        'resnet50_8xb32_in1k_20210831-ea4938fc.pth')
    assert cfg.model.architecture.backbone.type == 'MobileNetV1ImageNet'
    assert cfg.model.architecture.head.in_channels == 1024
    assert cfg.model.architecture.head.loss.loss_weight == 0.5
    assert cfg.model.teacher.backbone.depth == 50
    assert cfg.optim_wrapper.optimizer.lr == 0.2
    assert cfg.optim_wrapper.optimizer.weight_decay == 1e-4
    assert cfg.train_dataloader.batch_size * 8 == 512
    assert cfg.train_cfg.max_epochs == 100
    assert cfg.param_scheduler.milestones == [30, 60, 90]
    loss = cfg.model.distiller.distill_losses.loss_kl
    expected = (('KLDivergence', 1.0, 0.5) if config.stem.startswith('kd_r')
                else ('ZScoreKLDivergence', 2.0, 9.0))
    assert (loss.type, loss.tau, loss.loss_weight) == expected


@pytest.mark.parametrize('config', MV1_CONFIGS, ids=lambda p: p.stem)
def test_r50_mv1_config_trains_and_validates(config, tiny_imagenet,
                                             r50_teacher_ckpt, tmp_path):
    cfg = shrink(
        fresh(config),
        tiny_imagenet,
        tmp_path,
        r50_teacher_ckpt,
        batch_size=4)
    # 64 px: MobileNetV1 and ResNet-50 both reduce by 32, to 2 x 2.
    cfg.train_dataloader.dataset.pipeline[1].scale = 64
    cfg.val_dataloader.dataset.pipeline[1].scale = 72
    cfg.val_dataloader.dataset.pipeline[2].crop_size = 64
    cfg.test_dataloader = cfg.val_dataloader
    runner, metrics = train_one_epoch(cfg)
    _assert_trained_and_validated(runner, metrics)
    _assert_teacher_loaded_and_frozen(runner, r50_teacher_ckpt)
