# Copyright (c) zkd_mm contributors. All rights reserved.
"""MLKD's strong augmentation, as the configs write it with mmpretrain."""
import numpy as np
import pytest
from mmcv.transforms import Compose
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpretrain.registry import TRANSFORMS

from tests.subprocess_utils import REPO_ROOT

import zkd_mm  # noqa: F401  isort: skip

BASE = REPO_ROOT / 'configs' / '_base_'
RANDAUGMENT = Config.fromfile(
    str(BASE / 'datasets' / 'mlkd_strong_augment.py'))[
    'mlkd_randaugment']
GREY_RGB = (125, 123, 114)


def _build(cfg):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return TRANSFORMS.build(cfg)


def _single_op(policy):
    """RandAugment that always picks ``policy``, magnitude as configured."""
    cfg = dict(RANDAUGMENT.to_dict(), policies=[policy], num_policies=1)
    return _build(cfg)


def _images(count=20, size=32, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.randint(30, 226, (size, size, 3), dtype=np.uint8)
            for _ in range(count)]


def test_fourteen_ops_two_at_a_time_at_uniform_magnitudes():
    assert RANDAUGMENT.num_policies == 2
    assert len(RANDAUGMENT.policies) == 14
    assert RANDAUGMENT.magnitude_std == 'inf'
    assert RANDAUGMENT.magnitude_level == RANDAUGMENT.total_level
    assert all(p.prob == 1.0 for p in RANDAUGMENT.policies)


@pytest.mark.parametrize('index', range(14))
def test_every_op_runs_on_uint8_images(index):
    np.random.seed(index)
    op = _single_op(RANDAUGMENT.policies[index])
    for img in _images(5):
        out = op(dict(img=img.copy()))['img']
        assert out.shape == img.shape and out.dtype == np.uint8


@pytest.mark.parametrize('op_type', ['Brightness', 'Contrast'])
def test_enhance_ops_only_weaken_as_officially(op_type):
    # Official factors are in [0.05, 0.95]: brightness always darkens and
    # contrast always shrinks the spread.
    np.random.seed(0)
    policy = next(p for p in RANDAUGMENT.policies if p.type == op_type)
    op = _single_op(policy)
    for img in _images():
        out = op(dict(img=img.copy()))['img'].astype(float)
        if op_type == 'Brightness':
            assert out.mean() < img.mean()
        else:
            assert out.std() < img.std()


def test_the_identity_op_keeps_the_image():
    op = _single_op(dict(type='Posterize', bits=8, prob=1.0))
    img = _images(1)[0]
    assert np.array_equal(op(dict(img=img.copy()))['img'], img)


def test_cifar_strong_view_ends_with_a_random_cutout():
    cfg = Config.fromfile(str(BASE / 'recipes' / 'cifar100' / 'mlkd.py'))
    views = cfg.train_pipeline[0]
    assert views.type == 'MultiView' and views.num_views == [1, 1]
    weak, strong = views.transforms
    assert strong[:len(weak)] == weak
    cutout = _build(strong[-1])
    np.random.seed(0)
    areas = []
    for img in _images(200):
        # A grey cutout on an image that has no grey pixels.
        img[(img == GREY_RGB).all(-1)] = 0
        out = cutout(dict(img=img.copy()))['img']
        areas.append(int((out == GREY_RGB).all(-1).sum()))
    # Side up to 16 (half of 32), clipped at the borders.
    assert max(areas) <= 16 * 16 and min(areas) == 0
    assert np.mean(areas) > 16


def test_two_views_of_each_training_image():
    cfg = Config.fromfile(str(BASE / 'recipes' / 'cifar100' / 'mlkd.py'))
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        pipeline = Compose([TRANSFORMS.build(t) for t in cfg.train_pipeline])
    np.random.seed(0)
    for img in _images(10):
        weak, strong = pipeline(dict(img=img, gt_label=3))['inputs']
        assert weak.shape == strong.shape == (3, 32, 32)
