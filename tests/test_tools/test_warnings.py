# Copyright (c) zkd_mm contributors. All rights reserved.
"""The tools silence setuptools' pkg_resources deprecation warning, which
upstream imports print (four times per run before), and nothing else."""
import glob
import re

from tests.subprocess_utils import REPO_ROOT
from tests.test_tools.tool_runner import output_of, python_tool, run_tool

DEPRECATION = 'pkg_resources is deprecated'


def test_every_python_tool_installs_the_filter_first():
    for path in glob.glob(str(REPO_ROOT / 'tools' / '**' / '*.py'),
                          recursive=True):
        text = open(path).read()
        assert f"'ignore', message='{DEPRECATION}'" in text, path
        first_import = re.search(r'^(import zkd_mm|from zkd_mm)', text, re.M)
        assert first_import is None or (text.index(DEPRECATION) <
                                        first_import.start()), path


def test_a_tool_run_prints_no_deprecation_but_other_warnings(tmp_path):
    config = tmp_path / 'warns.py'
    config.write_text(
        f"_base_ = ['{REPO_ROOT}/configs/fashion_mnist/"
        "lenet5_1xb128_fashion-mnist-10k.py']\n"
        "import warnings\nwarnings.warn('a warning of the config itself')\n")
    result = run_tool(
        python_tool('train.py', str(config), '--work-dir', str(tmp_path),
                    '--cfg-options', 'not_a_key=1'))
    log = output_of(result)
    assert result.returncode != 0 and 'not_a_key' in log  # got that far
    assert DEPRECATION not in log
    assert 'a warning of the config itself' in log


def test_a_renamed_config_says_which_config_replaces_it():
    result = run_tool(
        python_tool('misc/print_config.py',
                    str(REPO_ROOT / 'configs' / 'kd_zscore_r34_r18_in1k.py')))
    log = output_of(result)
    assert result.returncode == 0, log
    assert ('will be deprecated in the future. Please use '
            'configs/imagenet/kd-zscore_resnet34_resnet18_8xb64_in1k.py '
            'instead.') in log
