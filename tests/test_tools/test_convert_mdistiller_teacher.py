# Copyright (c) zkd_mm contributors. All rights reserved.
"""tools/model_converters/convert_mdistiller_teacher.py.

Checkpoints are built here with mdistiller's key names and shapes, from the
independent description in :mod:`tests.mdistiller_reference`, and saved as
mdistiller saves its teachers (``{'model': state_dict, ...}``).
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Tuple

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.runner import load_checkpoint

from tests.mdistiller_reference import random_mdistiller_state
from zkd_mm.models.converters import (MDISTILLER_ARCHS,
                                      build_mdistiller_classifier,
                                      mdistiller_to_zkd_key)

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOL = REPO_ROOT / 'tools' / 'model_converters' / (
    'convert_mdistiller_teacher.py')


@pytest.fixture(scope='module')
def tool():
    """The converter script, imported to call ``main`` in-process."""
    spec = importlib.util.spec_from_file_location('convert_mdistiller_teacher',
                                                  TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def save_mdistiller(path: Path, state: Dict[str, torch.Tensor]) -> Path:
    """Save like mdistiller's ``ckpt_epoch_240.pth``."""
    torch.save(
        dict(model=state, epoch=240, accuracy=torch.tensor(79.42)), path)
    return path


def run_tool(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)
    return subprocess.run(
        [sys.executable, str(TOOL), *map(str, args)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300)


def assert_converted(dst: Path, arch: str, state: Dict[str, torch.Tensor],
                     num_classes: int) -> Tuple[nn.Module, Dict]:
    """dst loads strictly and holds exactly the source's tensors.

    Returns:
        tuple: The classifier with dst loaded, and dst's content.
    """
    checkpoint = torch.load(dst, map_location='cpu')  # weights_only
    assert set(checkpoint) == {'meta', 'state_dict'}
    assert checkpoint['meta']['mdistiller']['arch'] == arch
    assert checkpoint['meta']['num_classes'] == num_classes
    converted = checkpoint['state_dict']
    assert len(converted) == len(state)
    for key, value in state.items():
        assert torch.equal(converted[mdistiller_to_zkd_key(key, arch)],
                           value), key
    model = build_mdistiller_classifier(arch, num_classes)
    model.load_state_dict(converted, strict=True)
    return model, checkpoint


def resnet_reference_logits(state: Dict[str, torch.Tensor], depth: int,
                            x: torch.Tensor) -> torch.Tensor:
    """mdistiller's CIFAR ResNet in eval mode, straight from its keys."""

    def conv_bn(x, conv, bn, stride=1):
        weight = state[f'{conv}.weight']
        x = F.conv2d(x, weight, stride=stride, padding=weight.shape[-1] // 2)
        return F.batch_norm(x, state[f'{bn}.running_mean'],
                            state[f'{bn}.running_var'], state[f'{bn}.weight'],
                            state[f'{bn}.bias'])

    x = F.relu(conv_bn(x, 'conv1', 'bn1'))
    for stage in (1, 2, 3):
        for block in range((depth - 2) // 6):
            p = f'layer{stage}.{block}'
            stride = 2 if stage > 1 and block == 0 else 1
            out = F.relu(conv_bn(x, f'{p}.conv1', f'{p}.bn1', stride))
            out = conv_bn(out, f'{p}.conv2', f'{p}.bn2')
            if f'{p}.downsample.0.weight' in state:
                x = conv_bn(x, f'{p}.downsample.0', f'{p}.downsample.1',
                            stride)
            x = F.relu(out + x)
    return F.linear(x.mean((2, 3)), state['fc.weight'], state['fc.bias'])


@pytest.mark.parametrize('arch', list(MDISTILLER_ARCHS))
def test_converts_every_arch(tool, tmp_path, arch):
    state = random_mdistiller_state(arch)
    src = save_mdistiller(tmp_path / 'ckpt_epoch_240.pth', state)
    dst = tmp_path / 'out' / f'{arch}.pth'
    tool.main([str(src), str(dst), '--arch', arch])
    num_classes = MDISTILLER_ARCHS[arch].num_classes
    model, checkpoint = assert_converted(dst, arch, state, num_classes)
    meta = checkpoint['meta']
    assert meta['mdistiller'] == dict(
        arch=arch, epoch=240, accuracy=pytest.approx(79.42))
    assert meta['source'] == 'ckpt_epoch_240.pth'
    if arch in ('resnet8', 'resnet8x4', 'resnet20'):
        x = torch.randn(2, 3, 32, 32)
        with torch.no_grad():
            logits = model.eval()(x, mode='tensor')
        depth = MDISTILLER_ARCHS[arch].backbone['depth']
        torch.testing.assert_close(logits,
                                   resnet_reference_logits(state, depth, x))


def test_cli_converts_released_teacher_layout(tmp_path):
    """As a subprocess; the result loads with mmengine, strictly."""
    state = random_mdistiller_state('resnet32x4')
    src = save_mdistiller(tmp_path / 'ckpt_epoch_240.pth', state)
    dst = tmp_path / 'resnet32x4_cifar100.pth'
    result = run_tool(src, dst, '--arch', 'resnet32x4')
    assert result.returncode == 0, result.stderr[-4000:]
    assert str(dst) in result.stdout
    model = build_mdistiller_classifier('resnet32x4')
    load_checkpoint(model, str(dst), map_location='cpu', strict=True)
    assert torch.equal(model.head.fc.weight, state['fc.weight'])
    assert torch.equal(model.backbone.layer3[4].bn2.running_var,
                       state['layer3.4.bn2.running_var'])


def test_cli_names_wrong_and_missing_keys(tmp_path):
    state = random_mdistiller_state('resnet8')
    state['layer4.0.conv1.weight'] = torch.zeros(8, 64, 3, 3)
    del state['fc.bias']
    src = save_mdistiller(tmp_path / 'bad.pth', state)
    dst = tmp_path / 'out.pth'
    result = run_tool(src, dst, '--arch', 'resnet8')
    assert result.returncode != 0
    assert "unexpected key 'layer4.0.conv1.weight'" in result.stderr
    assert "missing key 'fc.bias' (for 'head.fc.bias')" in result.stderr
    assert 'Traceback' not in result.stderr
    assert not dst.exists()


def test_wrong_arch_names_the_first_mismatches(tool, tmp_path):
    """A resnet56 checkpoint given as resnet20: extra blocks named."""
    src = save_mdistiller(tmp_path / 'r56.pth',
                          random_mdistiller_state('resnet56'))
    with pytest.raises(SystemExit) as info:
        tool.main([str(src), str(tmp_path / 'out.pth'), '--arch', 'resnet20'])
    message = str(info.value.code)
    assert message.startswith(f'error: {src}: ')
    assert "unexpected key 'layer1.3.conv1.weight'" in message
    assert 'and ' in message and 'more' in message  # long lists are cut


def test_num_classes(tool, tmp_path):
    state = random_mdistiller_state('wrn_16_2', num_classes=10)
    src = save_mdistiller(tmp_path / 'c10.pth', state)
    dst = tmp_path / 'out.pth'
    with pytest.raises(SystemExit) as info:
        tool.main([str(src), str(dst), '--arch', 'wrn_16_2'])
    assert ("shape mismatch for 'fc.weight' -> 'head.fc.weight': (10, 128) "
            'in the checkpoint, (100, 128) in the model') in str(
                info.value.code)
    assert not dst.exists()
    tool.main(
        [str(src),
         str(dst), '--arch', 'wrn_16_2', '--num-classes', '10'])
    assert_converted(dst, 'wrn_16_2', state, 10)


def test_bare_state_dict_and_old_bn_buffers(tool, tmp_path):
    """A state dict without the ``model`` wrapper, without
    ``num_batches_tracked`` (PyTorch < 0.4.1), still converts."""
    state = {
        k: v
        for k, v in random_mdistiller_state('vgg8').items()
        if not k.endswith('num_batches_tracked')
    }
    src = tmp_path / 'bare.pth'
    torch.save(state, src)
    dst = tmp_path / 'out.pth'
    tool.main([str(src), str(dst), '--arch', 'vgg8'])
    converted = torch.load(dst)['state_dict']
    assert converted['backbone.block0.1.num_batches_tracked'].item() == 0
    assert torch.equal(converted['head.fc.weight'], state['classifier.weight'])


def test_unknown_arch_and_bad_checkpoint(tool, tmp_path):
    src = tmp_path / 'x.pth'
    torch.save({'epoch': 1}, src)
    with pytest.raises(SystemExit) as info:
        tool.main([str(src), str(tmp_path / 'o.pth'), '--arch', 'resnet9'])
    assert info.value.code == 2  # argparse: invalid choice
    with pytest.raises(SystemExit) as info:
        tool.main([str(src), str(tmp_path / 'o.pth'), '--arch', 'resnet8'])
    assert "'model'" in str(info.value.code)
