# Copyright (c) zkd_mm contributors. All rights reserved.
"""The shape of ``configs/``: composed from bases, named as OpenMMLab names.

- Every zoo config is ``_base_ = [recipe, pair]`` and overrides only its
  hyper-parameters; a recipe composes a dataset, a schedule and a plain
  distiller; a pair composes two model files. No chain of local bases is
  deeper than two below a config, so a reader opens at most three files.
- Each metafile entry's ``Name`` is its config's file name, and its
  ``Epochs`` and ``Batch Size`` are what the config trains with (the
  ``NxbM`` of the name: N processes of M images).
- The ImageNet names of zkd_mm 0.1 still load, as the same config, with
  mmengine's deprecation notice naming the new file.
"""
import ast
import re
import warnings
from pathlib import Path
from typing import List

import pytest
import yaml
from mmengine.config import Config

from tests.subprocess_utils import REPO_ROOT
from tests.test_configs.loaded import loaded

CONFIGS = REPO_ROOT / 'configs'
ZOO_DIRS = ('cifar100', 'imagenet', 'fashion_mnist')
ZOO_CONFIGS = sorted(p for d in ZOO_DIRS for p in (CONFIGS / d).glob('*.py'))
ALIASES = sorted(CONFIGS.glob('*.py'))
METAFILES = [CONFIGS / d / 'metafile.yml' for d in ZOO_DIRS]
# Configs that train a single classifier (no teacher).
PLAIN = {
    'lenet5_1xb128_fashion-mnist-10k', 'resnet18-w8_1xb128_fashion-mnist'
}


def local_bases(path: Path) -> List[Path]:
    """The files of ``configs/`` that ``path`` names in its ``_base_``."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if (isinstance(node, ast.Assign)
                and getattr(node.targets[0], 'id', None) == '_base_'):
            value = ast.literal_eval(node.value)
            names = [value] if isinstance(value, str) else value
            return [(path.parent / name).resolve() for name in names
                    if '::' not in name]
    return []


def depth(path: Path) -> int:
    """The longest chain of local bases below ``path``."""
    return max((1 + depth(base) for base in local_bases(path)), default=0)


def test_the_zoo_is_all_there():
    assert len(ZOO_CONFIGS) == 112 + 11 + 10
    assert len(ALIASES) == 11


@pytest.mark.parametrize('path', ZOO_CONFIGS, ids=lambda p: p.stem)
def test_zoo_config_is_a_recipe_and_a_pair(path):
    bases = local_bases(path)
    rel = [b.relative_to(CONFIGS / '_base_').parts for b in bases]
    if path.stem in PLAIN:
        assert [r[0] for r in rel] == ['datasets', 'schedules', 'models']
    else:
        dataset = path.parent.name
        # A -zscore config uses its baseline's recipe.
        method = path.stem.split('_')[0].replace('-zscore', '')
        assert rel == [('recipes', dataset, f'{method}.py'),
                       ('pairs', dataset, rel[1][2])], rel
        teacher, student = path.stem.split('_')[1:3]
        assert rel[1][2] == f'{teacher}_{student}.py'
    # config -> recipe -> dataset (-> mmpretrain's bases, not counted)
    assert depth(path) <= 2


@pytest.mark.parametrize('path', ZOO_CONFIGS, ids=lambda p: p.stem)
def test_name_says_how_it_trains(path):
    match = re.search(r'_(\d+)xb(\d+)_', path.stem)
    assert match, f'{path.name} lacks the NxbM of an OpenMMLab name'
    cfg = loaded(path)
    assert cfg.train_dataloader.batch_size == int(match.group(2))
    if path.stem not in PLAIN:
        assert cfg.model.type.endswith('SingleTeacherDistill'), cfg.model.type
        assert cfg.model.teacher_ckpt, path.name


def metafile_models():
    for metafile in METAFILES:
        for model in yaml.safe_load(metafile.read_text())['Models']:
            yield metafile, model


@pytest.mark.parametrize(
    'metafile,model', list(metafile_models()),
    ids=lambda m: m['Name'] if isinstance(m, dict) else m.parent.name)
def test_metafile_entry_matches_its_config(metafile, model):
    config = REPO_ROOT / model['Config']
    assert config.parent == metafile.parent
    assert model['Name'] == config.stem
    cfg = loaded(config)
    n, m = map(int, re.search(r'_(\d+)xb(\d+)_', config.stem).groups())
    assert model['Metadata']['Batch Size'] == n * m
    assert model['Metadata']['Epochs'] == cfg.train_cfg.max_epochs


def test_every_zoo_config_is_in_a_metafile():
    listed = {model['Config'] for _, model in metafile_models()}
    assert listed == {str(p.relative_to(REPO_ROOT)) for p in ZOO_CONFIGS}


@pytest.mark.parametrize('alias', ALIASES, ids=lambda p: p.stem)
def test_old_imagenet_names_load_the_new_config(alias):
    new = local_bases(alias)
    assert len(new) == 1 and new[0].parent == CONFIGS / 'imagenet'
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        old_cfg = Config.fromfile(str(alias))
    notices = [str(w.message) for w in caught
               if issubclass(w.category, DeprecationWarning)]
    assert any(str(new[0].relative_to(REPO_ROOT)) in n for n in notices), (
        notices)
    assert '_deprecation_' not in old_cfg
    assert old_cfg.to_dict() == loaded(new[0]).to_dict()
