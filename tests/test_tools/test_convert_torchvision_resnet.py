# Copyright (c) zkd_mm contributors. All rights reserved.
"""The torchvision teacher route: a strict converter, and a teacher error
that suggests it.

Seen before: a torchvision ResNet-34 state dict as ``teacher_ckpt`` was
reported as "another architecture" (under MMRazor's own algorithm it even
trained against a random teacher), and the message said "0 of 182" keys
matched while listing 218 missing.
"""
import pytest
import torch
import torchvision
from mmengine.registry import DefaultScope

from tests.test_tools.tool_runner import (assert_tool_ok, output_of,
                                          python_tool, run_tool)
from tests.tiny_distill import ZSCORE_KD_DISTILLER, build_algorithm

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.models.algorithms import TeacherCheckpointError  # isort: skip

TOOL = 'model_converters/torchvision_resnet_to_mmpretrain.py'


def _torchvision_resnet(depth: int, num_classes: int = 1000):
    torch.manual_seed(0)
    model = getattr(torchvision.models, f'resnet{depth}')(
        weights=None, num_classes=num_classes)
    # Non-trivial BatchNorm statistics, so that eval outputs test them.
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.1, 0.1)
            module.running_var.uniform_(0.5, 1.5)
    return model.eval()


def test_converted_resnet_loads_strictly_and_predicts_the_same(tmp_path):
    reference = _torchvision_resnet(18)
    src, dst = tmp_path / 'resnet18_tv.pth', tmp_path / 'resnet18_mmpre.pth'
    torch.save(reference.state_dict(), src)
    out = assert_tool_ok(
        run_tool(python_tool(TOOL, str(src), str(dst), '--depth', '18')))
    assert 'all 102 keys' in out

    from mmengine.hub import get_config
    from mmpretrain.registry import MODELS
    cfg = get_config('mmpretrain::resnet/resnet18_8xb32_in1k.py')
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(cfg.model).eval()
    model.load_state_dict(
        torch.load(dst, weights_only=True)['state_dict'], strict=True)
    images = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(model(images, mode='tensor'),
                                   reference(images), rtol=1e-5, atol=1e-5)


def test_wrong_depth_is_an_error_naming_the_keys(tmp_path):
    src = tmp_path / 'resnet18_tv.pth'
    torch.save(_torchvision_resnet(18).state_dict(), src)
    result = run_tool(
        python_tool(TOOL, str(src), str(tmp_path / 'x.pth'), '--depth', '34'))
    assert result.returncode != 0
    assert 'is not a torchvision ResNet-34 with 1000 classes' in (
        output_of(result))
    assert 'are missing (backbone.layer1.2.' in output_of(result)
    assert not (tmp_path / 'x.pth').exists()


def test_the_teacher_error_suggests_the_converter(tmp_path):
    path = tmp_path / 'resnet34_tv.pth'
    torch.save(_torchvision_resnet(34, num_classes=10).state_dict(), path)
    with pytest.raises(TeacherCheckpointError) as error:
        build_algorithm(ZSCORE_KD_DISTILLER, teacher_ckpt=str(path))
    message = str(error.value)
    assert "its keys are torchvision's" in message
    assert 'torchvision_resnet_to_mmpretrain.py SRC DST --depth N' in message
    assert '0 of 182 keys match; 182 are missing' in message
