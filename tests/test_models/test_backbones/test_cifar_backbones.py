# Copyright (c) zkd_mm contributors. All rights reserved.
"""The CIFAR backbones: shapes, exact parameter counts, key names."""
import pytest
import torch
import torch.nn as nn
from mmpretrain.registry import MODELS

from tests.mdistiller_reference import REFERENCE_PARAMS, reference_key_shapes
from zkd_mm.models.backbones import (CIFARVGG, CIFARResNetKD,
                                     CIFARShuffleNetV1, CIFARShuffleNetV2,
                                     CIFARWideResNet)
from zkd_mm.models.converters import (MDISTILLER_CIFAR_ARCHS,
                                      get_mdistiller_arch,
                                      mdistiller_to_zkd_key)

# The paper's / the brief's rounded counts (millions, with a 100-class fc).
PAPER_PARAMS_M = {
    'resnet8x4': 1.234,
    'resnet32x4': 7.434,
    'resnet20': 0.278,
    'resnet32': 0.473,
    'resnet56': 0.862,
    'resnet110': 1.737,
    'wrn_16_2': 0.703,
    'wrn_40_1': 0.570,
    'wrn_40_2': 2.255,
    'vgg8': 3.965,
    'vgg13': 9.462,
    'MobileNetV2': 0.813,
    'ShuffleV1': 0.949,
    'ShuffleV2': 1.356,
    'ResNet50': 23.705,
}
# Side of the final feature map for 32x32 inputs.
FEATURE_SIDE = {
    'CIFARResNetKD': 8,
    'CIFARWideResNet': 8,
    'CIFARVGG': 4,
    'CIFARMobileNetV2': 2,
    'CIFARShuffleNetV1': 4,
    'CIFARShuffleNetV2': 4,
    'CIFARResNet50': 4,
}


def build(arch: str) -> nn.Module:
    return MODELS.build(get_mdistiller_arch(arch).classifier_cfg())


def num_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def test_all_paper_archs_are_mapped():
    assert set(PAPER_PARAMS_M) <= set(MDISTILLER_CIFAR_ARCHS)
    assert set(
        MDISTILLER_CIFAR_ARCHS) == set(REFERENCE_PARAMS) - {'MobileNetV1'}


@pytest.mark.parametrize('arch', MDISTILLER_CIFAR_ARCHS)
def test_classifier_matches_mdistiller(arch):
    spec = get_mdistiller_arch(arch)
    model = build(arch).eval()

    exact, rounded = REFERENCE_PARAMS[arch]
    assert num_params(model) == exact
    assert round(num_params(model) / 1e6, 3) == rounded
    if arch in PAPER_PARAMS_M:
        assert round(num_params(model) / 1e6, 3) == PAPER_PARAMS_M[arch]

    # Module names mirror mdistiller's: same keys (renamed), same shapes.
    reference = reference_key_shapes(arch)
    expected = [(mdistiller_to_zkd_key(k, arch), shape)
                for k, shape in reference.items()]
    assert [(k, tuple(v.shape))
            for k, v in model.state_dict().items()] == expected

    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        feats = model.backbone(x)
        logits = model.head(model.neck(feats))
    side = FEATURE_SIDE[spec.backbone['type']]
    assert isinstance(feats, tuple) and len(feats) == 1
    assert feats[0].shape == (2, spec.channels, side, side)
    assert model.backbone.out_channels == spec.channels
    assert logits.shape == (2, 100)


@pytest.mark.parametrize('arch', ['resnet32x4', 'wrn_40_2', 'vgg13'])
def test_default_init_is_mdistillers(arch):
    """Kaiming normal (fan_out) convs and unit BN, as mdistiller."""
    model = build(arch)
    model.init_weights()
    convs = [m for m in model.backbone.modules() if isinstance(m, nn.Conv2d)]
    conv = max(convs, key=lambda m: m.weight.numel())
    fan_out = conv.out_channels * conv.kernel_size[0] * conv.kernel_size[1]
    assert conv.weight.std().item() == pytest.approx(
        (2 / fan_out)**0.5, rel=0.02)
    if conv.bias is not None:
        assert conv.bias.abs().max() == 0
    for module in model.backbone.modules():
        if isinstance(module, nn.BatchNorm2d):
            assert torch.all(module.weight == 1)
            assert torch.all(module.bias == 0)


def test_vgg_pools_before_block4_for_64px_inputs_only():
    model = CIFARVGG(depth=8).eval()
    with torch.no_grad():
        assert model(torch.randn(1, 3, 32, 32))[0].shape == (1, 512, 4, 4)
        assert model(torch.randn(1, 3, 64, 64))[0].shape == (1, 512, 4, 4)


def test_norm_cfg_is_used():
    model = CIFARResNetKD(depth=8, norm_cfg=dict(type='SyncBN'))
    assert isinstance(model.bn1, nn.SyncBatchNorm)
    assert isinstance(model.layer3[0].downsample[1], nn.SyncBatchNorm)


def test_registered_in_mmpretrain():
    for name in ('CIFARResNetKD', 'CIFARWideResNet', 'CIFARVGG',
                 'CIFARMobileNetV2', 'CIFARShuffleNetV1', 'CIFARShuffleNetV2',
                 'CIFARResNet50', 'MobileNetV1ImageNet'):
        assert MODELS.get(name) is not None, name


@pytest.mark.parametrize('build_bad', [
    lambda: CIFARResNetKD(depth=9),
    lambda: CIFARResNetKD(depth=2),
    lambda: CIFARResNetKD(depth=8, num_filters=(16, 32)),
    lambda: CIFARWideResNet(depth=15),
    lambda: CIFARVGG(depth=10),
    lambda: CIFARShuffleNetV1(num_blocks=(4, 8)),
    lambda: CIFARShuffleNetV2(net_size=3),
])
def test_invalid_arguments_raise(build_bad):
    with pytest.raises(ValueError):
        build_bad()
