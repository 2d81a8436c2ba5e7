# Copyright (c) zkd_mm contributors. All rights reserved.
"""``--cfg-options`` accepts what the constructors accept, and nothing else.

Seen before, all refused although upstream accepts them:
``train_dataloader.persistent_workers=False``,
``train_dataloader.dataset.ann_file=...``/``data_prefix=...`` (parameters of
mmpretrain's ``ImageNet``) and the MLKD ``official_quirks=True`` recipe of
``configs/_base_/distillers/mlkd.py``. And ``--cfg-options
teacher_ckpt=PATH`` passed the check but had no effect.
"""
import pytest
from mmengine.config import Config

from tests.subprocess_utils import REPO_ROOT

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.utils import unknown_cfg_option_keys  # isort: skip

KD = (REPO_ROOT / 'configs' / 'imagenet' /
      'kd-zscore_resnet34_resnet18_8xb64_in1k.py')
MLKD = (REPO_ROOT / 'configs' / 'imagenet' /
        'mlkd_resnet34_resnet18_8xb64_in1k.py')
FMNIST = (REPO_ROOT / 'configs' / 'fashion_mnist' /
          'kd-zscore_resnet18-w8_lenet5_1xb128_fashion-mnist-10k.py')


@pytest.fixture(scope='module')
def kd():
    return Config.fromfile(str(KD))


@pytest.mark.parametrize('key, value', [
    ('train_dataloader.persistent_workers', False),
    ('train_dataloader.dataset.ann_file', 'meta/train.txt'),
    ('train_dataloader.dataset.data_prefix', 'train'),
    ('train_cfg.val_begin', 2),
    ('model.distiller.distill_losses.loss_kl.eps', 1e-6),
    ('optim_wrapper.optimizer.nesterov', True),
    ('optim_wrapper.clip_grad', dict(max_norm=5)),
    ('model.architecture.backbone.norm_eval', True),
    ('model.allow_random_teacher', True),
    ('default_hooks.checkpoint.save_best', 'auto'),
    ('randomness.diff_rank_seed', True),
    ('train_dataloader.dataset.pipeline.1.backend', 'pillow'),  # list index
    ('custom_hooks', []),  # a Runner argument the config leaves out
])
def test_constructor_parameters_are_accepted(kd, key, value):
    assert unknown_cfg_option_keys(kd, {key: value}) == []


def test_the_mlkd_official_quirks_recipe_is_accepted():
    cfg = Config.fromfile(str(MLKD))
    losses = 'model.distiller.distill_losses'
    options = {f'{losses}.loss_{level}.official_quirks': True
               for level in ('instance', 'class', 'batch')}
    assert unknown_cfg_option_keys(cfg, options) == []


@pytest.mark.parametrize('key, where, suggestion', [
    ('train_cfg.max_epoch', 'EpochBasedTrainLoop (the Runner builds it) at '
     'train_cfg', 'max_epochs'),
    ('train_dataloader.persistent_worker', 'DataLoader (the Runner builds '
     'it) at train_dataloader', 'persistent_workers'),
    ('train_dataloader.dataset.ann_fil', 'ImageNet at '
     'train_dataloader.dataset', 'ann_file'),
    ('model.distiller.distill_losses.loss_kl.epss', 'ZScoreKLDivergence at '
     'model.distiller.distill_losses.loss_kl', 'eps'),
    ('model.architecture.backbone.frozen_stage', 'ResNet at '
     'model.architecture.backbone', 'frozen_stages'),
    ('optim_wrapper.optimizer.nesterow', 'SGD at optim_wrapper.optimizer',
     'nesterov'),
])
def test_a_typo_at_each_level_is_refused_with_the_fix(kd, key, where,
                                                      suggestion):
    (problem, ) = unknown_cfg_option_keys(kd, {key: 1})
    last = key.split('.')[-1]
    assert (f"{key!r} is not a key of the config, and {last!r} is not a "
            f'parameter of {where}.') in problem
    assert f'Did you mean: {suggestion}' in problem


def test_a_bad_list_index_and_an_unknown_top_level_key_are_refused(kd):
    problems = unknown_cfg_option_keys(
        kd, {'train_dataloader.dataset.pipeline.9.scale': 32, 'modle': 1})
    assert "'train_dataloader.dataset.pipeline.9.scale' is not a key" in (
        problems[0])
    assert "'modle' is not a key of the config. Did you mean: model" in (
        problems[1])


def test_a_type_set_by_the_same_options_is_the_one_checked(kd):
    recipe = {'model.distiller.type': 'LogitStandardizedDistiller',
              'model.distiller.standardized_recorders': ['fc']}
    assert unknown_cfg_option_keys(kd, recipe) == []
    # Without the type switch, ConfigurableDistiller has no such parameter.
    (problem, ) = unknown_cfg_option_keys(
        kd, {'model.distiller.standardized_recorders': ['fc']})
    assert 'not a parameter of ConfigurableDistiller' in problem


def test_kwargs_constructors_follow_the_class_hierarchy(kd):
    """mmpretrain's ImageNet takes **kwargs and passes them to
    CustomDataset and BaseDataset, whose parameters are accepted; a class
    whose **kwargs cannot be followed says so."""
    assert unknown_cfg_option_keys(
        kd, {'train_dataloader.dataset.lazy_init': True}) == []
    (problem, ) = unknown_cfg_option_keys(
        Config(dict(model=dict(type=lambda **kw: None))), {'model.x': 1})
    assert 'passes further keyword arguments on, which cannot be checked' in (
        problem)
    assert '--allow-new-cfg-keys' in problem


def test_a_copied_variable_is_refused_naming_the_key_that_works():
    cfg = Config.fromfile(str(FMNIST))
    (problem, ) = unknown_cfg_option_keys(cfg, {'teacher_ckpt': 'x.pth'})
    assert problem.strip() == (
        "'teacher_ckpt' is a variable whose value the config copied into "
        'model.teacher_ckpt when it was read; setting it has no effect. Set '
        'model.teacher_ckpt instead.')
    (problem, ) = unknown_cfg_option_keys(cfg, {'data_root': 'elsewhere'})
    assert 'train_dataloader.dataset.data_root' in problem
    assert unknown_cfg_option_keys(cfg, {'model.teacher_ckpt': 'x.pth'}) == []


@pytest.mark.parametrize('key,works', [
    ('pair', 'model'),
    ('pair.teacher_ckpt', 'model.teacher_ckpt'),
    ('pair.architecture.backbone.num_classes',
     'model.architecture.backbone.num_classes'),
    ('train_pipeline.1.type', 'train_dataloader.dataset.pipeline.1.type'),
])
def test_a_key_under_a_copied_variable_names_the_key_that_works(key, works):
    cfg = Config.fromfile(str(FMNIST))
    (problem, ) = unknown_cfg_option_keys(cfg, {key: 'x'})
    assert problem.strip().endswith(
        f'when it was read; setting it has no effect. Set {works} instead.'
    ), problem
    assert unknown_cfg_option_keys(cfg, {works: 'x'}) == []


def test_a_variable_the_runner_never_reads_is_refused(kd):
    (problem, ) = unknown_cfg_option_keys(kd, {'custom_imports.imports': []})
    assert problem.strip() == (
        "'custom_imports.imports' is under 'custom_imports', a variable of "
        'the config that the Runner does not read; setting it has no effect. '
        'Set the key that the Runner reads (see tools/misc/print_config.py).')


@pytest.mark.parametrize('config,works', [
    (KD, 'model.data_preprocessor.mean'),
    (MLKD, 'model.data_preprocessor.preprocessor.mean'),
])
def test_the_top_level_data_preprocessor_is_refused_where_the_model_has_one(
        config, works):
    """mmengine's Runner passes it only to a model without its own."""
    (problem, ) = unknown_cfg_option_keys(
        Config.fromfile(str(config)), {'data_preprocessor.mean': [0, 0, 0]})
    assert problem.strip() == (
        "'data_preprocessor.mean' has no effect: the Runner gives the "
        'top-level data_preprocessor only to a model without one, and this '
        f'model has model.data_preprocessor. Set {works} instead.')
