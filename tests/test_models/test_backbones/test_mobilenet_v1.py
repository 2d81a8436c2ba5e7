# Copyright (c) zkd_mm contributors. All rights reserved.
"""The ImageNet MobileNetV1 (the paper's R50 -> MN-V1 student)."""
import torch
from mmpretrain.registry import MODELS

from tests.mdistiller_reference import REFERENCE_PARAMS, reference_key_shapes
from zkd_mm.models.backbones import MobileNetV1ImageNet
from zkd_mm.models.converters import get_mdistiller_arch, mdistiller_to_zkd_key


def test_classifier_matches_mdistiller():
    model = MODELS.build(
        get_mdistiller_arch('MobileNetV1').classifier_cfg()).eval()
    count = sum(p.numel() for p in model.parameters())
    assert count == REFERENCE_PARAMS['MobileNetV1'][0] == 4231976
    assert round(count / 1e6, 3) == 4.232

    expected = [(mdistiller_to_zkd_key(k, 'MobileNetV1'), shape)
                for k, shape in reference_key_shapes('MobileNetV1').items()]
    assert [(k, tuple(v.shape))
            for k, v in model.state_dict().items()] == expected

    with torch.no_grad():
        feats = model.backbone(torch.randn(2, 3, 64, 64))
        logits = model.head(model.neck(feats))
    assert isinstance(feats, tuple) and len(feats) == 1
    assert feats[0].shape == (2, 1024, 2, 2)
    assert logits.shape == (2, 1000)


def test_224_input_ends_at_7x7():
    model = MobileNetV1ImageNet().eval()
    with torch.no_grad():
        assert model(torch.randn(1, 3, 224, 224))[0].shape == (1, 1024, 7, 7)
