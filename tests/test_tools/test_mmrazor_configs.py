# Copyright (c) zkd_mm contributors. All rights reserved.
"""MMRazor's own distill configs, unmodified, with Z-score switched on.

The configs are MMRazor 1.0.0's ``configs/distill/mmcls/{kd,dkd,dist,wsld}``
as its package installs them (``mmrazor/.mim/configs``), not copies. Seen
before: ``tools/train.py`` on them failed with ``mmcls is not installed``
(their ``_base_`` and ``cfg_path`` name ``mmcls::``); their teacher was
downloaded twice (``pretrained=True`` and ``teacher_ckpt``); and under
their plain ``SingleTeacherDistill`` a torchvision state dict as teacher
trained to the end against a random teacher, exit 0; and MMRazor's DKD
config (``reduction='mean'``) trained with a loss summed over the batch.

Each trains 2 iterations through ``tools/train.py`` with the README's
recipe, ``LogitStandardizedDistiller`` on the logit recorder, given by
``--cfg-options`` or by a config that inherits the MMRazor config.
"""
import os.path as osp

import mmrazor
import pytest
import torch
import torchvision

from tests.imagenet_distill_cli import tiny_options
from tests.test_tools.tool_runner import (assert_tool_ok, output_of,
                                          python_tool, run_tool)

CONFIGS = osp.join(osp.dirname(mmrazor.__file__), '.mim', 'configs',
                   'distill', 'mmcls')
RECIPE = ['model.distiller.type=LogitStandardizedDistiller',
          'model.distiller.standardized_recorders=[fc]']
BY_NAME = {
    'dkd': ('dkd/dkd_resnet34_resnet18_8xb32_in1k.py', 'loss_dkd',
            'DKDLoss', 'preds_S, preds_T'),
    'dist': ('dist/dist_logits_resnet34_resnet18_8xb32_in1k.py', 'loss_kl',
             'DISTLoss', 'logits_S, logits_T'),
    'wsld': ('wsld/wsld_logits_resnet34_resnet18_8xb32_in1k.py', 'loss_wsld',
             'WSLD', 'student, teacher'),
}
# MMRazor's DKD config sets reduction='mean', which its DKDLoss computes as
# a sum over the batch; the README's recipe sets the per-sample mean.
DKD_MEAN = 'model.distiller.distill_losses.loss_dkd.reduction=batchmean'


def _train(config, work_dir, tiny_imagenet, teacher, *extra):
    return run_tool(
        python_tool('train.py', str(config), '--work-dir', str(work_dir),
                    '--cfg-options', *tiny_options(tiny_imagenet, teacher),
                    *extra))


def _assert_zscored_run(log, loss, loss_type, inputs, promoted=True):
    assert 'mmcls is not installed' not in log
    assert ('SingleTeacherDistill runs as CheckedSingleTeacherDistill'
            in log) is promoted
    assert 'Loaded teacher checkpoint' in log
    assert (f'distill loss {loss} ({loss_type}): {inputs} Z-scored by '
            'LogitStandardizedDistiller (recorders fc)') in log
    assert 'Epoch(train) [1][2/2]' in log


@pytest.mark.parametrize('name', sorted(BY_NAME))
def test_recipe_by_cfg_options(name, tiny_imagenet, r34_teacher_ckpt,
                               tmp_path):
    config, loss, loss_type, inputs = BY_NAME[name]
    extra = [DKD_MEAN] if name == 'dkd' else []
    log = assert_tool_ok(
        _train(osp.join(CONFIGS, config), tmp_path, tiny_imagenet,
               r34_teacher_ckpt, *RECIPE, *extra))
    _assert_zscored_run(log, loss, loss_type, inputs)
    if name in ('dkd', 'wsld'):
        # Their teacher is pretrained=True: with teacher_ckpt set, it is not
        # downloaded as well (this test has no network).
        assert 'built without its pretrained download' in log


def test_mmrazor_dkd_batch_sum_is_an_error_that_names_the_fix(
        tiny_imagenet, r34_teacher_ckpt, tmp_path):
    result = _train(osp.join(CONFIGS, BY_NAME['dkd'][0]), tmp_path,
                    tiny_imagenet, r34_teacher_ckpt, *RECIPE)
    log = output_of(result)
    assert result.returncode != 0
    assert ("distill loss 'loss_dkd' (DKDLoss): reduction must be "
            "'batchmean', got 'mean'. MMRazor's DKDLoss sums over the batch "
            'with any other reduction') in log
    assert 'Epoch(train)' not in log


def test_recipe_by_base_inheritance(tiny_imagenet, r34_teacher_ckpt,
                                    tmp_path):
    config = tmp_path / 'kd_zscore_from_mmrazor.py'
    config.write_text(
        "_base_ = ['mmrazor::distill/mmcls/kd/"
        "kd_logits_resnet34_resnet18_8xb32_in1k.py']\n"
        "custom_imports = dict(imports=['zkd_mm'], "
        'allow_failed_imports=False)\n'
        "model = dict(type='CheckedSingleTeacherDistill', distiller=dict(\n"
        "    type='LogitStandardizedDistiller',\n"
        "    standardized_recorders=['fc']))\n")
    log = assert_tool_ok(
        _train(config, tmp_path / 'work', tiny_imagenet, r34_teacher_ckpt))
    _assert_zscored_run(log, 'loss_kl', 'KLDivergence', 'preds_S, preds_T',
                        promoted=False)  # the recipe names it


def test_a_torchvision_teacher_is_an_error_not_a_random_teacher(
        tiny_imagenet, tmp_path):
    torchvision_teacher = tmp_path / 'resnet34_torchvision.pth'
    torch.save(torchvision.models.resnet34(weights=None).state_dict(),
               torchvision_teacher)
    result = _train(osp.join(CONFIGS, 'kd',
                             'kd_logits_resnet34_resnet18_8xb32_in1k.py'),
                    tmp_path / 'work', tiny_imagenet, torchvision_teacher)
    log = output_of(result)
    assert result.returncode != 0
    assert "its keys are torchvision's" in log
    assert 'Epoch(train)' not in log
