# Copyright (c) zkd_mm contributors. All rights reserved.
"""``zkd_mm::<folder>/<name>.py`` config names, and the model index.

mmengine finds a package's configs in ``<installed path>/.mim/configs`` and
its model index in ``.mim/model-index.yml``; zkd_mm ships both as symlinks
(copies in a wheel). Each lookup runs in a fresh interpreter, as a user's
would, since zkd_mm's import changes mmengine's view of it.
"""
import json
import os

import yaml

from tests.subprocess_utils import REPO_ROOT, assert_ok, run_python
from tests.wheel_install import build_and_install

# Fresh interpreters and a wheel build: not one of the quick tests.
QUICK = False

LOOKED_UP = [
    'cifar100/kd-zscore_resnet32x4_resnet8x4_1xb64_cifar100.py',
    'cifar100/dkd_vgg13_mobilenet-v2_1xb64_cifar100.py',
    'cifar100/dkd-zscore_resnet50_mobilenet-v2_1xb64_cifar100.py',
]
MODEL_INDEX = REPO_ROOT / 'model-index.yml'
METAFILES = [REPO_ROOT / 'configs' / 'imagenet' / 'metafile.yml',
             REPO_ROOT / 'configs' / 'cifar100' / 'metafile.yml']


def test_mim_links_point_at_the_repository():
    mim = REPO_ROOT / 'zkd_mm' / '.mim'
    assert os.readlink(mim / 'configs') == '../../configs'
    assert os.readlink(mim / 'model-index.yml') == '../../model-index.yml'
    assert (mim / 'configs').resolve() == REPO_ROOT / 'configs'
    assert (mim / 'model-index.yml').resolve() == MODEL_INDEX


def test_installed_path_is_the_imported_package():
    out = assert_ok(
        run_python("""
        import json, os
        from mmengine.utils import get_installed_path
        before = get_installed_path('zkd_mm')
        import zkd_mm
        after = get_installed_path('zkd_mm')
        print(json.dumps(dict(
            before=before, after=after,
            package=os.path.dirname(zkd_mm.__file__),
            mmpretrain=get_installed_path('mmpretrain'))))
        """))
    paths = json.loads(out.splitlines()[-1])
    assert paths['after'] == paths['package']
    assert os.path.isfile(
        os.path.join(paths['after'], '.mim', 'model-index.yml'))
    # Without ``import zkd_mm``, mmengine's answer is kept where it exists
    # (a regular install); it is wrong only for an editable install.
    if paths['before'] != paths['package']:
        assert not os.path.isdir(paths['before'])
    assert paths['mmpretrain'].endswith(os.path.join('site-packages',
                                                     'mmpretrain'))


def test_get_config_resolves_package_names():
    out = assert_ok(
        run_python(f"""
        import json
        import zkd_mm
        from mmengine.config import Config
        from mmengine.hub import get_config
        result = {{}}
        for name in {LOOKED_UP!r}:
            cfg = get_config('zkd_mm::' + name)
            local = Config.fromfile('configs/' + name)
            result[name] = dict(
                filename=cfg.filename,
                same=cfg.to_dict() == local.to_dict())
        print(json.dumps(result))
        """))
    result = json.loads(out.splitlines()[-1])
    mim_configs = str(REPO_ROOT / 'zkd_mm' / '.mim' / 'configs')
    for name in LOOKED_UP:
        assert result[name]['filename'] == os.path.join(mim_configs, name)
        assert result[name]['same'], name


def test_config_inherits_a_package_config_and_builds(tmp_path,
                                                     tiny_cifar100):
    """``_base_ = ['zkd_mm::...']``: mmengine scopes the dicts zkd_mm's
    configs write ``zkd_mm`` (those inherited from mmpretrain's bases stay
    ``mmpretrain``); ``zkd_mm.registry`` makes them build as upstream's."""
    child = tmp_path / 'my_kd.py'
    child.write_text(
        "_base_ = ['zkd_mm::cifar100/kd-zscore_wrn-40-2_wrn-16-2_1xb64_cifar100.py']"
        '\nmodel = dict(distiller=dict(distill_losses=dict(\n'
        '    loss_kl=dict(tau=3.0))))\n')
    result = run_python(f"""
        import json
        import torch
        import zkd_mm
        from mmengine.config import Config
        from mmengine.registry import (DATASETS, LOOPS, METRICS, OPTIMIZERS,
                                       PARAM_SCHEDULERS, DefaultScope,
                                       init_default_scope)
        from tests.data_fixtures import accept_tiny_cifar100
        cfg = Config.fromfile({str(child)!r})
        init_default_scope(cfg.default_scope)
        dataset_cfg = cfg.train_dataloader.dataset
        dataset_cfg.data_root = {str(tiny_cifar100)!r}
        with accept_tiny_cifar100(dataset_cfg.data_root):
            dataset = DATASETS.build(dataset_cfg)
        optimizer = OPTIMIZERS.build(
            dict(cfg.optim_wrapper.optimizer,
                 params=[torch.nn.Parameter(torch.zeros(1))]))
        scheduler = PARAM_SCHEDULERS.build(
            dict(cfg.param_scheduler, optimizer=optimizer))
        metric = METRICS.build(cfg.val_evaluator)
        loss = cfg.model.distiller.distill_losses.loss_kl
        with DefaultScope.overwrite_default_scope(cfg.val_cfg._scope_):
            val_loop = LOOPS.get(cfg.val_cfg.type)
        print(json.dumps(dict(
            scope=dataset_cfg._scope_, dataset=len(dataset),
            val_scope=cfg.val_cfg._scope_, val_loop=val_loop.__name__,
            lr=optimizer.param_groups[0]['lr'],
            milestones=sorted(scheduler.milestones),
            metric=type(metric).__name__, tau=loss.tau,
            weight=loss.loss_weight)))
        """)
    out = assert_ok(result)
    # mmengine warns so when it cannot import zkd_mm.registry.
    assert 'is not installed' not in result.stdout + result.stderr
    built = json.loads(out.splitlines()[-1])
    assert built == dict(
        scope='mmpretrain',
        dataset=4,
        val_scope='zkd_mm',
        val_loop='SingleTeacherDistillValLoop',
        lr=0.05,
        milestones=[150, 180, 210],
        metric='Accuracy',
        tau=3.0,
        weight=9.0)


def _metafiles():
    index = yaml.safe_load(MODEL_INDEX.read_text())
    return [REPO_ROOT / path for path in index['Import']]


def _metafile_models():
    for metafile in _metafiles():
        for model in yaml.safe_load(metafile.read_text())['Models']:
            yield metafile, model


def test_model_index_imports_the_metafiles():
    assert set(METAFILES) <= set(_metafiles())
    for metafile in _metafiles():
        assert metafile.is_file(), metafile
        data = yaml.safe_load(metafile.read_text())
        for collection in data['Collections']:
            assert (REPO_ROOT / collection['README']).is_file()


def test_metafiles_and_config_folders_agree():
    """Each metafile lists exactly the configs of its folder."""
    names = set()
    for metafile in _metafiles():
        listed = []
        for model in yaml.safe_load(metafile.read_text())['Models']:
            path = REPO_ROOT / model['Config']
            assert path.is_file(), model['Config']
            assert path.parent == metafile.parent, model['Config']
            assert model['Name'] == path.stem
            assert model['Name'] not in names, model['Name']
            names.add(model['Name'])
            listed.append(path)
            if metafile in METAFILES:
                # No distillation run has finished: no weights or results of
                # ours; the paper's number only under its own label.
                assert 'Weights' not in model and 'Results' not in model
                assert set(model['Metadata']) <= {
                    'Location', 'Method', 'Training Data', 'Epochs',
                    'Batch Size', 'Student', 'Teacher',
                    'Paper Top 1 Accuracy'
                }
        assert sorted(listed) == sorted(metafile.parent.glob('*.py'))


def test_modelindex_accepts_the_index():
    from modelindex.load_model_index import load
    cwd = os.getcwd()
    os.chdir(REPO_ROOT)
    try:
        index = load('model-index.yml')
        errors = index.check(silent=True)
    finally:
        os.chdir(cwd)
    assert len(index.models) == len(list(_metafile_models()))
    # OpenMMLab writes README paths from the repository root, as mmengine
    # needs for Config; modelindex resolves them from the metafile's folder.
    assert all('Path to README file' in error for error in errors), errors


def test_wheel_ships_the_configs(tmp_path):
    """A regular (non-editable) install finds ``zkd_mm::`` configs too."""
    target = build_and_install(tmp_path)
    files = {str(p.relative_to(target)) for p in target.rglob('*')}
    for name in LOOKED_UP + [
            '_base_/recipes/cifar100/kd.py',
            'imagenet/kd-zscore_resnet50_mobilenet-v1_8xb64_in1k.py',
            'kd_zscore_r50_mv1_in1k.py', 'imagenet/metafile.yml',
            'cifar100/metafile.yml'
    ]:
        assert f'zkd_mm/.mim/configs/{name}' in files, name
    assert 'zkd_mm/.mim/model-index.yml' in files
    assert 'zkd_mm/.mim/tools/train.py' in files
    out = assert_ok(
        run_python(
            f"""
        import zkd_mm
        from mmengine.hub import get_config
        from mmengine.utils import get_installed_path
        print(zkd_mm.__file__)
        print(get_installed_path('zkd_mm'))
        print(get_config('zkd_mm::{LOOKED_UP[0]}').filename)
        """,
            cwd=tmp_path,
            env=dict(PYTHONPATH=str(target))))
    module, installed, config = out.splitlines()[-3:]
    assert module == str(target / 'zkd_mm' / '__init__.py')
    assert installed == str(target / 'zkd_mm')
    assert config == str(target / 'zkd_mm' / '.mim' / 'configs' /
                         LOOKED_UP[0])
