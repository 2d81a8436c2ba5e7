# Copyright (c) zkd_mm contributors. All rights reserved.
"""OpenMMLab's ``mim`` on zkd_mm, as a user runs it.

Seen before: ``mim search zkd_mm`` failed on the editable install
(``FileNotFoundError: .../site-packages/zkd_mm/model-index.yml``), ``mim
train``/``mim test`` could not find ``zkd_mm/tools/train.py``, and ``mim
download`` failed with ``Expected fields ... but got {'weight'}``.

- The README's editable install (with ``python -m
  zkd_mm.utils.editable_link``): ``mim search`` lists every zoo model with
  its epochs, batch size, paper value and Results, ``mim train`` trains 2
  iterations from a config name and ``mim test`` tests the checkpoint.
- A wheel installed into a folder: the same, plus ``mim download`` of a
  model whose ``Weights`` is a URL (served on 127.0.0.1).
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests import fmnist_tool_runs as runs
from tests.http_fixture import serve_directory
from tests.subprocess_utils import REPO_ROOT
from tests.test_tools.tool_runner import tool_env
from tests.wheel_install import build_and_install

MIM = str(Path(sys.executable).parent / 'mim')
FMNIST = 'kd-zscore_resnet18-w8_lenet5_1xb128_fashion-mnist-10k'
TEACHER = 'resnet18-w8_1xb128_fashion-mnist'
TEACHER_CKPT = (REPO_ROOT / 'checkpoints' / 'fashion_mnist' /
                'teacher_resnet18-w8_fmnist.pth')


def _mim(*args, env=None, timeout=600):
    result = subprocess.run([MIM, *args], cwd=REPO_ROOT, env=env or tool_env(),
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return result.stdout + result.stderr


def _zoo_models():
    index = yaml.safe_load(open(REPO_ROOT / 'model-index.yml'))
    for metafile in index['Import']:
        yield from yaml.safe_load(open(REPO_ROOT / metafile))['Models']


def _search(tmp_path, env=None):
    out = tmp_path / 'search.json'
    _mim('search', 'zkd_mm', '--json', str(out), env=env)
    return json.load(open(out))


def _tiny(data_root, *extra):
    return [
        '--cfg-options', *runs.options(data_root, 1),
        'train_cfg.max_epochs=1', 'train_dataloader.dataset.indices=32',
        f'model.teacher_ckpt={TEACHER_CKPT}', *extra
    ]


def test_mim_is_installed_with_the_mim_extra():
    assert os.path.exists(MIM), ('mim is missing: pip install -e '
                                 '".[lite,tests,mim]"')


def test_search_on_the_editable_install_lists_the_zoo(tmp_path):
    installed = Path(sys.prefix).glob('lib/python*/site-packages/zkd_mm')
    assert any(p.resolve() == (REPO_ROOT / 'zkd_mm') for p in installed), (
        'run `python -m zkd_mm.utils.editable_link` after the editable '
        'install (the README does)')
    found = _search(tmp_path)  # field -> model -> value
    models = list(_zoo_models())
    assert sorted(found['config']) == sorted(m['Name'] for m in models)
    for model in models:
        name, meta = model['Name'], model['Metadata']
        assert found['epochs'][name] == meta['Epochs']
        assert found['batch_size'][name] == meta['Batch Size']
        if 'Paper Top 1 Accuracy' in meta:
            assert found['paper_top_1_accuracy'][name] == (
                meta['Paper Top 1 Accuracy'])
        for result in model.get('Results', []):
            field = f'{result["Dataset"].lower()}/top_1_accuracy'
            assert found[field][name] == result['Metrics']['Top 1 Accuracy']


def test_train_and_test_by_config_name_on_the_editable_install(
        fashion_mnist_root, tmp_path):
    work_dir = tmp_path / 'work'
    log = _mim('train', 'zkd_mm', f'{FMNIST}.py', '--work-dir',
               str(work_dir), *_tiny(fashion_mnist_root))
    assert 'zkd_mm/.mim/tools/train.py' in log
    assert 'Epoch(train) [1][2/2]' in log
    checkpoint = (work_dir / 'last_checkpoint').read_text().strip()
    log = _mim('test', 'zkd_mm', f'{FMNIST}.py', '--checkpoint', checkpoint,
               '--work-dir', str(tmp_path / 'test'),
               *_tiny(fashion_mnist_root))
    assert 'accuracy/top1' in log


@pytest.fixture(scope='module')
def wheel_site(tmp_path_factory):
    """A wheel install whose teacher has Weights on a 127.0.0.1 server."""
    tmp = tmp_path_factory.mktemp('wheel')
    served = tmp / 'served'
    served.mkdir()
    shutil.copy(TEACHER_CKPT, served / TEACHER_CKPT.name)
    with serve_directory(served) as url:

        def add_weights(source):
            path = source / 'configs' / 'fashion_mnist' / 'metafile.yml'
            data = yaml.safe_load(open(path))
            for model in data['Models']:
                if model['Name'] == TEACHER:
                    model['Weights'] = f'{url}/{TEACHER_CKPT.name}'
            path.write_text(yaml.safe_dump(data, sort_keys=False))

        yield build_and_install(tmp, add_weights)


def test_search_train_and_download_from_a_wheel(wheel_site, fashion_mnist_root,
                                                tmp_path):
    env = tool_env({'PYTHONPATH': str(wheel_site)})
    found = _search(tmp_path, env)
    assert FMNIST in found['config'] and TEACHER in found['weight']
    log = _mim('train', 'zkd_mm', f'{FMNIST}.py', '--work-dir',
               str(tmp_path / 'work'), *_tiny(fashion_mnist_root), env=env)
    assert f'{wheel_site}/zkd_mm/.mim/tools/train.py' in log
    assert 'Epoch(train) [1][2/2]' in log
    dest = tmp_path / 'downloaded'
    _mim('download', 'zkd_mm', '--config', TEACHER, '--dest', str(dest),
         env=env)
    assert (dest / TEACHER_CKPT.name).read_bytes() == (
        TEACHER_CKPT.read_bytes())
    assert (dest / f'{TEACHER}.py').exists()
