# Copyright (c) zkd_mm contributors. All rights reserved.
"""The logit figures are real PNG images, drawn without pyplot."""
import matplotlib.image
import pytest
import torch

from tests.subprocess_utils import assert_ok, run_python
from zkd_mm.analysis import plot_logit_hist2d, plot_logit_std_hist

PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'


def assert_png(path, min_width=200, min_height=200):
    data = open(path, 'rb').read()
    assert data[:8] == PNG_SIGNATURE
    image = matplotlib.image.imread(str(path))
    height, width = image.shape[:2]
    assert width >= min_width and height >= min_height
    # Not a blank canvas.
    assert image[..., :3].std() > 0.01


@pytest.fixture
def logits():
    gen = torch.Generator().manual_seed(0)
    teacher = torch.randn(50, 30, generator=gen) * 4
    student = teacher * 0.3 + torch.randn(50, 30, generator=gen)
    return teacher, student


def test_std_histogram_png(logits, tmp_path):
    path = plot_logit_std_hist(
        *logits, tmp_path / 'sub' / 'std.png', title='test')
    assert path == str(tmp_path / 'sub' / 'std.png')
    assert_png(path)


def test_hist2d_png_with_subsampling(logits, tmp_path):
    path = plot_logit_hist2d(
        *logits, tmp_path / 'hist2d.png', max_points=500, bins=20)
    assert_png(path, min_width=600)


def test_hist2d_of_constant_logits_does_not_fail(tmp_path):
    constant = torch.ones(3, 4)
    assert_png(
        plot_logit_hist2d(constant, constant, tmp_path / 'c.png'),
        min_width=600)


def test_import_zkd_mm_does_not_import_matplotlib():
    out = assert_ok(
        run_python('''
            import sys
            import zkd_mm
            print('matplotlib' in sys.modules, 'zkd_mm.analysis' in
                  sys.modules)
            '''))
    assert out.split() == ['False', 'False']
