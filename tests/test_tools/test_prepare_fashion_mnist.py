# Copyright (c) zkd_mm contributors. All rights reserved.
"""``tools/dataset_converters/prepare_fashion_mnist.py``."""
import gzip
import subprocess
import sys

import pytest

from tests.data_fixtures.fashion_mnist import (ARCHIVES, DEBIAN_DIR,
                                               PREPARE_TOOL,
                                               debian_fashion_mnist_available,
                                               load_prepare_tool)
from tests.subprocess_utils import REPO_ROOT


def test_missing_archives_say_how_to_get_them(tmp_path):
    result = subprocess.run([
        sys.executable,
        str(PREPARE_TOOL), '--src',
        str(tmp_path / 'nowhere'), '--dst',
        str(tmp_path / 'out')
    ],
                            cwd=REPO_ROOT,
                            capture_output=True,
                            text=True,
                            timeout=120)
    assert result.returncode == 1
    assert 'apt-get install -y dataset-fashion-mnist' in result.stderr
    assert 'download=True' in result.stderr
    assert not (tmp_path / 'out').exists()


def test_wrong_archive_content_is_refused(tmp_path):
    tool = load_prepare_tool()
    src = tmp_path / 'src'
    src.mkdir()
    for name in ARCHIVES:
        with gzip.open(src / name, 'wb') as f:
            f.write(b'not fashion-mnist')
    with pytest.raises(tool.PrepareError, match='is not the Fashion-MNIST'):
        tool.prepare(src, tmp_path / 'out')
    assert not list((tmp_path / 'out').glob('*-ubyte'))


@pytest.mark.skipif(
    not debian_fashion_mnist_available(),
    reason=f'Fashion-MNIST is not installed ({DEBIAN_DIR} lacks the IDX '
    'archives): apt-get install -y dataset-fashion-mnist')
def test_unpacks_the_debian_archives_for_mmpretrain(tmp_path, capsys):
    tool = load_prepare_tool()
    out = tmp_path / 'fashion_mnist'
    files = tool.prepare(DEBIAN_DIR, out)
    assert sorted(f.name for f in files) == sorted(tool.RAW_MD5)
    for path in files:
        assert tool.md5_of(path) == tool.RAW_MD5[path.name]
    assert 'written' in capsys.readouterr().out
    # Already there: kept, not rewritten.
    tool.prepare(DEBIAN_DIR, out)
    assert 'present, md5 ok' in capsys.readouterr().out

    from mmpretrain.datasets import FashionMNIST
    test_set = FashionMNIST(
        data_root=str(out), split='test', test_mode=True, pipeline=[])
    assert len(test_set) == 10000
    sample = test_set[0]
    assert sample['img'].shape == (28, 28)
    assert 0 <= int(sample['gt_label']) < 10
