# Copyright (c) zkd_mm contributors. All rights reserved.
"""mdistiller names and key mapping (in-process; the CLI is tested in
tests/test_tools)."""
import pytest
import torch

from tests.mdistiller_reference import random_mdistiller_state
from zkd_mm.models.converters import (MDISTILLER_ARCHS,
                                      MdistillerCheckpointError,
                                      build_mdistiller_classifier,
                                      convert_mdistiller_checkpoint,
                                      convert_mdistiller_state_dict,
                                      get_mdistiller_arch,
                                      mdistiller_state_dict,
                                      mdistiller_to_zkd_key,
                                      zkd_to_mdistiller_key)


@pytest.fixture(scope='module')
def resnet8_target():
    return build_mdistiller_classifier('resnet8').state_dict()


@pytest.mark.parametrize('arch, key, expected', [
    ('resnet8', 'layer1.0.bn1.running_mean',
     'backbone.layer1.0.bn1.running_mean'),
    ('resnet8', 'fc.weight', 'head.fc.weight'),
    ('wrn_40_2', 'block2.layer.0.convShortcut.weight',
     'backbone.block2.layer.0.convShortcut.weight'),
    ('vgg13', 'classifier.bias', 'head.fc.bias'),
    ('MobileNetV2', 'classifier.0.weight', 'head.fc.weight'),
    ('ShuffleV1', 'linear.weight', 'head.fc.weight'),
    ('ResNet50', 'layer2.0.shortcut.1.weight',
     'backbone.layer2.0.shortcut.1.weight'),
    ('MobileNetV1', 'model.13.4.running_var',
     'backbone.model.13.4.running_var'),
])
def test_key_mapping_round_trips(arch, key, expected):
    assert mdistiller_to_zkd_key(key, arch) == expected
    assert zkd_to_mdistiller_key(expected, arch) == key


def test_zkd_key_without_known_prefix_raises():
    with pytest.raises(ValueError, match='neck.x'):
        zkd_to_mdistiller_key('neck.x', 'resnet8')


def test_unknown_arch_lists_known_names():
    with pytest.raises(KeyError, match='resnet32x4'):
        get_mdistiller_arch('resnet9')


def test_arch_specs_are_read_only_and_configs_fresh():
    spec = get_mdistiller_arch('resnet8x4')
    cfg = spec.backbone_cfg()
    cfg['depth'] = 32
    assert spec.backbone['depth'] == 8
    with pytest.raises(TypeError):
        spec.backbone['depth'] = 32  # type: ignore[index]
    with pytest.raises(TypeError):
        MDISTILLER_ARCHS['x'] = spec  # type: ignore[index]
    head = spec.classifier_cfg(num_classes=10)['head']
    assert head['num_classes'] == 10 and head['in_channels'] == 256


def test_state_dict_extraction():
    state = {'a': torch.zeros(1)}
    assert mdistiller_state_dict({'model': state, 'epoch': 240}) == state
    assert mdistiller_state_dict(state) == state
    for bad in ([1, 2], {}, {'model': 'x'}, {'epoch': 240}):
        with pytest.raises(MdistillerCheckpointError, match="'model'"):
            mdistiller_state_dict(bad)


def test_mismatches_are_named(resnet8_target):
    state = random_mdistiller_state('resnet8', num_classes=10)
    state['layer4.0.conv1.weight'] = torch.zeros(1)
    del state['layer2.0.bn1.running_var']
    with pytest.raises(MdistillerCheckpointError) as info:
        convert_mdistiller_state_dict(state, 'resnet8', resnet8_target)
    message = str(info.value)
    # Both classifier tensors, the missing key and the extra key.
    assert ('2 shape mismatch(es), 1 missing and 1 unexpected key(s)'
            in message)
    assert ("unexpected key 'layer4.0.conv1.weight' (would be "
            "'backbone.layer4.0.conv1.weight'") in message
    assert ("missing key 'layer2.0.bn1.running_var' (for "
            "'backbone.layer2.0.bn1.running_var')") in message
    assert ("shape mismatch for 'fc.weight' -> 'head.fc.weight': "
            '(10, 64) in the checkpoint, (100, 64) in the model') in message
    assert "shape mismatch for 'fc.bias' -> 'head.fc.bias'" in message


def test_missing_num_batches_tracked_is_filled_with_zero(resnet8_target):
    state = random_mdistiller_state('resnet8')
    state = {k: v for k, v in state.items() if 'num_batches' not in k}
    converted = convert_mdistiller_state_dict(state, 'resnet8', resnet8_target)
    assert list(converted) == list(resnet8_target)
    assert converted['backbone.bn1.num_batches_tracked'].item() == 0
    assert converted['backbone.bn1.num_batches_tracked'].dtype == torch.long


def test_convert_checkpoint_meta_and_values():
    state = random_mdistiller_state('wrn_16_1')
    checkpoint = dict(
        model=state, epoch=240, accuracy=torch.tensor(71.5), optimizer={})
    out = convert_mdistiller_checkpoint(
        checkpoint, 'wrn_16_1', meta=dict(source='x.pth'))
    assert out['meta'] == dict(
        mdistiller=dict(arch='wrn_16_1', epoch=240, accuracy=71.5),
        num_classes=100,
        source='x.pth')
    for key, value in state.items():
        assert torch.equal(
            out['state_dict'][mdistiller_to_zkd_key(key, 'wrn_16_1')], value)
