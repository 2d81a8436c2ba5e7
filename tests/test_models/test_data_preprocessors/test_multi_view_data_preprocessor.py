# Copyright (c) zkd_mm contributors. All rights reserved.
"""``MultiViewDataPreprocessor`` on batches made by the real pipeline."""
import numpy as np
import pytest
import torch
from mmcv.transforms import Compose
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope
from mmpretrain.registry import TRANSFORMS

import zkd_mm  # noqa: F401  (registers the preprocessor)

from mmrazor.registry import MODELS  # isort: skip

MEAN, STD = [10.0, 20.0, 30.0], [2.0, 4.0, 8.0]


def _preprocessor(**kwargs):
    cfg = dict(
        type='MultiViewDataPreprocessor',
        preprocessor=dict(
            type='ImgDataPreprocessor', mean=MEAN, std=STD, bgr_to_rgb=True))
    cfg.update(kwargs)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        return MODELS.build(cfg)


def _two_view_batch(size=3):
    """Images through MultiView (identity, horizontal flip) + PackInputs."""
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        pipeline = Compose([
            TRANSFORMS.build(t) for t in [
                dict(type='MultiView', num_views=[1, 1], transforms=[
                    [], [dict(type='RandomFlip', prob=1.0,
                              direction='horizontal')]]),
                dict(type='PackInputs'),
            ]
        ])
    rng = np.random.RandomState(0)
    images = [rng.randint(0, 256, (8, 6, 3), dtype=np.uint8)
              for _ in range(size)]
    samples = [pipeline(dict(img=img.copy(), gt_label=i))
               for i, img in enumerate(images)]
    return images, pseudo_collate(samples)


def _expected(images, flip):
    out = []
    for img in images:
        x = torch.from_numpy((img[:, ::-1] if flip else img).copy()).float()
        x = x[..., [2, 1, 0]].permute(2, 0, 1)  # BGR -> RGB, CHW
        out.append((x - torch.tensor(MEAN)[:, None, None]) /
                   torch.tensor(STD)[:, None, None])
    return torch.stack(out)


def test_each_view_is_normalized_and_stacked():
    images, data = _two_view_batch()
    out = _preprocessor(num_views=2)(data, training=True)
    weak, strong = out['inputs']
    torch.testing.assert_close(weak, _expected(images, flip=False))
    torch.testing.assert_close(strong, _expected(images, flip=True))
    assert [s.gt_label.item() for s in out['data_samples']] == [0, 1, 2]


def test_single_view_batches_pass_through():
    images, data = _two_view_batch()
    data = dict(inputs=list(data['inputs'][0]),
                data_samples=data['data_samples'])
    out = _preprocessor()(data)
    torch.testing.assert_close(out['inputs'], _expected(images, flip=False))


def test_wrong_view_count_and_batch_augments_are_refused():
    _, data = _two_view_batch()
    with pytest.raises(ValueError, match='expected 3 views per image, got 2'):
        _preprocessor(num_views=3)(data)
    with pytest.raises(ValueError, match='batch_augments'):
        _preprocessor(preprocessor=dict(
            _scope_='mmpretrain',
            type='ClsDataPreprocessor',
            num_classes=10,
            batch_augments=dict(augments=dict(type='Mixup', alpha=0.8))))
