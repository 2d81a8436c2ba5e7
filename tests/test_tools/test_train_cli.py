# Copyright (c) zkd_mm contributors. All rights reserved.
"""tools/train.py: argument parsing and --cfg-options key checking."""
import importlib.util
import os

import pytest
from mmengine.config import Config

from tests.subprocess_utils import REPO_ROOT
from tests.test_tools.tool_runner import (KD_CONFIG, output_of, python_tool,
                                          run_tool)
from zkd_mm.utils import apply_cfg_options, unknown_cfg_option_keys


@pytest.fixture(scope='module')
def train_tool():
    """``tools/train.py`` imported as a module (it is not a package)."""
    spec = importlib.util.spec_from_file_location(
        'zkd_mm_tools_train', REPO_ROOT / 'tools' / 'train.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def kd_cfg():
    return Config.fromfile(str(KD_CONFIG))


def _merged(train_tool, *argv):
    args = train_tool.parse_args([str(KD_CONFIG), *argv])
    return train_tool.merge_args(Config.fromfile(str(KD_CONFIG)), args)


def test_unknown_cfg_option_key_is_a_clear_error(tmp_path):
    work_dir = tmp_path / 'work'
    result = run_tool(
        python_tool('train.py', str(KD_CONFIG), '--work-dir', str(work_dir),
                    '--cfg-options', 'train_cfg.max_epoch=2',
                    'model.teacher_ckp=x', 'train_cfg.val_interval=1'))
    assert result.returncode != 0
    assert "'train_cfg.max_epoch' is not a key of the config" in (
        result.stderr)
    assert 'Did you mean: max_epochs' in result.stderr
    assert "'model.teacher_ckp' is not a key" in result.stderr
    assert 'teacher_ckpt' in result.stderr
    assert 'val_interval' not in result.stderr  # a valid key is not named
    assert '--allow-new-cfg-keys' in result.stderr
    assert not work_dir.exists()  # failed before building the runner


def test_known_keys_pass_the_check(train_tool, kd_cfg):
    options = {
        'train_cfg.max_epochs': 1,
        'train_dataloader.dataset.pipeline.1.scale': 32,  # list index
        'model.teacher_ckpt': None,
        'model.distiller._delete_': True,
    }
    assert unknown_cfg_option_keys(kd_cfg, options) == []


def test_runner_arguments_absent_from_the_config_are_known(
        train_tool, kd_cfg):
    assert 'custom_hooks' not in kd_cfg and 'work_dir' not in kd_cfg
    options = {'custom_hooks': [], 'work_dir': 'x', 'sync_bn': 'torch'}
    assert unknown_cfg_option_keys(kd_cfg, options) == []
    problems = unknown_cfg_option_keys(kd_cfg, {'custom_hook': []})
    assert len(problems) == 1 and 'custom_hooks' in problems[0]


def test_bad_list_index_is_unknown(train_tool, kd_cfg):
    problems = unknown_cfg_option_keys(
        kd_cfg, {'train_dataloader.dataset.pipeline.9.scale': 32})
    assert len(problems) == 1
    assert 'pipeline.9.scale' in problems[0]


def test_allow_new_cfg_keys_skips_the_check(train_tool, kd_cfg):
    args = train_tool.parse_args([
        str(KD_CONFIG), '--allow-new-cfg-keys', '--cfg-options',
        'brand_new_key=1'
    ])
    assert apply_cfg_options(kd_cfg.copy(), args).brand_new_key == 1
    args = train_tool.parse_args(
        [str(KD_CONFIG), '--cfg-options', 'brand_new_key=1'])
    with pytest.raises(SystemExit, match='brand_new_key'):
        apply_cfg_options(kd_cfg.copy(), args)


@pytest.mark.parametrize('argv, resume, load_from', [
    ([], False, None),
    (['--resume'], True, None),
    (['--resume', 'auto'], True, None),
    (['--resume', 'some/epoch_3.pth'], True, 'some/epoch_3.pth'),
])
def test_resume_parsing(train_tool, argv, resume, load_from):
    cfg = _merged(train_tool, *argv)
    assert cfg.resume is resume
    assert cfg.load_from == load_from


@pytest.mark.parametrize('flag', ['--local-rank', '--local_rank'])
def test_local_rank_is_accepted(train_tool, monkeypatch, flag):
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    args = train_tool.parse_args([str(KD_CONFIG), flag, '3'])
    assert args.local_rank == 3
    assert os.environ['LOCAL_RANK'] == '3'
    monkeypatch.setenv('LOCAL_RANK', '1')  # a launcher's value wins
    train_tool.parse_args([str(KD_CONFIG), f'{flag}=5'])
    assert os.environ['LOCAL_RANK'] == '1'


def test_local_rank_reaches_the_config_check(tmp_path):
    """torch.distributed.launch's ``--local-rank=N`` is no argparse error."""
    result = run_tool(
        python_tool('train.py', str(KD_CONFIG), '--local-rank=1',
                    '--work-dir', str(tmp_path), '--cfg-options',
                    'not_a_key=1'))
    assert result.returncode != 0
    assert 'unrecognized arguments' not in output_of(result)
    assert "'not_a_key' is not a key of the config" in result.stderr


def test_work_dir_priority(train_tool):
    assert _merged(train_tool).work_dir == os.path.join(
        './work_dirs', 'kd-zscore_resnet34_resnet18_8xb64_in1k')
    cfg = _merged(train_tool, '--cfg-options', 'work_dir=from_cfg')
    assert cfg.work_dir == 'from_cfg'
    cfg = _merged(train_tool, '--work-dir', 'from_cli', '--cfg-options',
                  'work_dir=from_cfg')
    assert cfg.work_dir == 'from_cli'


def test_amp_auto_scale_lr_and_no_validate(train_tool):
    cfg = _merged(train_tool, '--amp', '--auto-scale-lr', '--no-validate')
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.auto_scale_lr.enable is True
    assert cfg.auto_scale_lr.base_batch_size == 512
    assert cfg.val_cfg is None and cfg.val_dataloader is None
    assert cfg.launcher == 'none'


def test_auto_scale_lr_needs_the_config_entry(train_tool, tmp_path):
    config = tmp_path / 'no_auto_scale.py'
    config.write_text('optim_wrapper = dict(optimizer=dict(type="SGD"))\n')
    args = train_tool.parse_args([str(config), '--auto-scale-lr'])
    with pytest.raises(SystemExit, match='auto_scale_lr'):
        train_tool.merge_args(Config.fromfile(str(config)), args)
