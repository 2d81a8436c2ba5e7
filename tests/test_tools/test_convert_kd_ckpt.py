# Copyright (c) zkd_mm contributors. All rights reserved.
"""The converted student loads strictly into plain mmpretrain."""
import pickle

import zkd_mm  # noqa: F401  isort: skip  (loads Runner checkpoints)
import pytest
import torch

from tests.subprocess_utils import assert_ok, run_python
from tests.test_tools.tool_runner import (assert_tool_ok, output_of,
                                          python_tool, run_tool, small_options,
                                          write_config)

CONVERTER = 'model_converters/convert_kd_ckpt_to_student.py'

# Plain mmpretrain in a fresh interpreter, without zkd_mm: the student
# checkpoint must need neither its compat layer nor its registry entries.
PLAIN_STRICT_LOAD = """
import torch
from mmengine.hub import get_config
from mmengine.runner import load_checkpoint
from mmpretrain.registry import MODELS
import sys
assert 'zkd_mm' not in sys.modules
cfg = get_config('mmpretrain::resnet/resnet18_8xb32_in1k.py')
model = MODELS.build(cfg.model).eval()
load_checkpoint(model, {path!r}, map_location='cpu', strict=True)
torch.manual_seed(0)
inputs = torch.randn(2, 3, 32, 32)
torch.save(model(inputs, mode='tensor'), {out!r})
"""


@pytest.fixture(scope='module')
def student_ckpt(two_epoch_run):
    result = run_tool(
        python_tool(CONVERTER, str(two_epoch_run / 'epoch_2.pth')))
    assert 'Saved 122 student tensors' in assert_tool_ok(result)
    return two_epoch_run / 'epoch_2_student.pth'


def test_student_keys_are_the_architecture_keys(two_epoch_run,
                                                student_ckpt):
    distill = torch.load(two_epoch_run / 'epoch_2.pth')
    student = torch.load(student_ckpt, weights_only=True)
    assert set(student) == {'meta', 'state_dict'}
    expected = {
        key[len('architecture.'):]: value
        for key, value in distill['state_dict'].items()
        if key.startswith('architecture.')
    }
    assert list(student['state_dict']) == list(expected)
    for key, value in expected.items():
        assert torch.equal(student['state_dict'][key], value)
    assert student['meta']['epoch'] == distill['meta']['epoch']


def test_plain_mmpretrain_strict_load_predicts_like_the_student(
        two_epoch_run, resume_config, student_ckpt, tmp_path):
    plain_out = tmp_path / 'plain_logits.pt'
    assert_ok(
        run_python(
            PLAIN_STRICT_LOAD.format(path=str(student_ckpt),
                                     out=str(plain_out))))
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmengine.runner import load_checkpoint
    from mmrazor.registry import MODELS
    cfg = Config.fromfile(str(resume_config))
    cfg.model.teacher_ckpt = None
    cfg.model.allow_random_teacher = True  # overwritten by the checkpoint
    with DefaultScope.overwrite_default_scope('mmrazor'):
        algorithm = MODELS.build(cfg.model).eval()
    load_checkpoint(
        algorithm,
        str(two_epoch_run / 'epoch_2.pth'),
        map_location='cpu',
        strict=True)
    torch.manual_seed(0)
    inputs = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        distilled = algorithm.architecture(inputs, mode='tensor')
    assert torch.equal(torch.load(plain_out), distilled)


def test_plain_mmpretrain_test_tool_predicts_like_the_kd_config(
        two_epoch_run, resume_config, student_ckpt, tiny_imagenet,
        r34_teacher_ckpt, tmp_path):
    """tools/test.py: plain ResNet-18 config + student == KD config + KD."""
    plain_config = write_config(tmp_path / 'plain_resnet18.py',
                                'mmpretrain::resnet/resnet18_8xb32_in1k.py')
    options = small_options(tiny_imagenet, r34_teacher_ckpt)
    plain_options = [o for o in options if not o.startswith('model.')]
    runs = {
        'kd': (resume_config, two_epoch_run / 'epoch_2.pth', options),
        'plain': (plain_config, student_ckpt, plain_options),
    }
    predictions = {}
    for name, (config, checkpoint, cfg_options) in runs.items():
        out = tmp_path / f'{name}.pkl'
        result = run_tool(
            python_tool('test.py', str(config), str(checkpoint),
                        '--work-dir', str(tmp_path / name), '--out',
                        str(out), '--cfg-options', *cfg_options))
        log = assert_tool_ok(result)
        assert 'accuracy/top1' in log
        assert 'unexpected key' not in log and 'missing keys' not in log
        with open(out, 'rb') as file:
            predictions[name] = pickle.load(file)
    assert len(predictions['kd']) == 4
    for kd, plain in zip(predictions['kd'], predictions['plain']):
        assert kd['img_path'] == plain['img_path']
        assert torch.equal(kd['pred_score'], plain['pred_score'])


def test_non_distillation_checkpoint_is_a_clear_error(r34_teacher_ckpt,
                                                      tmp_path):
    result = run_tool(
        python_tool(CONVERTER, str(r34_teacher_ckpt), '--out-path',
                    str(tmp_path)))
    assert result.returncode != 0
    assert "No key starts with 'architecture.'" in output_of(result)
    assert "['backbone', 'head']" in output_of(result)
    assert not list(tmp_path.iterdir())
