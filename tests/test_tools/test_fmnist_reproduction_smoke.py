# Copyright (c) zkd_mm contributors. All rights reserved.
"""``tools/analysis_tools/fmnist_reproduction.py --smoke`` on real data.

One epoch on 256 real Fashion-MNIST training images and 500 test images,
one seed, the runs of the full benchmark (student only, KD, KD + Z-score,
DKD, DKD + Z-score, and the KD weight sweep at weights 1 and 9), each
through ``tools/train.py``.
Checks the markdown table, the JSON and the PNG; the numbers must parse,
not be good. Skips, saying so, when the Debian data are not installed.
"""
import importlib.util
import json
import re
import subprocess
import sys

from tests.subprocess_utils import REPO_ROOT
from tests.test_tools.tool_runner import tool_env

SCRIPT = REPO_ROOT / 'tools' / 'analysis_tools' / 'fmnist_reproduction.py'
TOP1 = r'(\d{1,3}\.\d{2})'
LOSS = r'[\d.e+-]+'


def _load_script():
    spec = importlib.util.spec_from_file_location('_fmnist_reproduction',
                                                  SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_smoke_writes_table_json_and_plot(fashion_mnist_root, tmp_path):
    out_dir = tmp_path / 'out'
    result = subprocess.run([
        sys.executable,
        str(SCRIPT), '--smoke', '--data-root',
        str(fashion_mnist_root), '--out-dir',
        str(out_dir), '--work-dir',
        str(tmp_path / 'runs')
    ],
                            cwd=REPO_ROOT,
                            env=tool_env(),
                            capture_output=True,
                            text=True,
                            timeout=600)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    script = _load_script()

    table = (out_dir / 'results.md').read_text()
    assert '--smoke' in table
    for label, _ in script.METHODS:
        match = re.search(
            rf'^\| {re.escape(label)} \| {TOP1} ± n/a \| {TOP1} \| {LOSS} \|$',
            table, re.M)
        assert match, (label, table)
        assert match.group(1) == match.group(2)
        assert 0 <= float(match.group(1)) <= 100
    data = json.loads((out_dir / 'results.json').read_text())
    weights = data['settings']['kd_weights']
    assert weights == [1.0, 9.0]
    for weight in weights:
        assert re.search(
            rf'^\| {weight:g} \| {TOP1} ± n/a \| {TOP1} ± n/a \| '
            rf'{LOSS} / {LOSS} \|$', table, re.M), (weight, table)
    runs = script.plan_runs(weights)
    assert sorted(r['run'] for r in data['runs']) == sorted(run.name
                                                            for run in runs)
    assert data['settings']['epochs'] == 1
    for run in data['runs']:
        assert 0 <= run['top1'] <= 100
        assert '--cfg-options' in run['argv']
        if run['run'] != 'student':
            # The shipped teacher, on 500 real test images.
            assert run['teacher_top1'] >= 85.0, run

    png = (out_dir / 'fmnist_reproduction.png').read_bytes()
    assert png.startswith(b'\x89PNG\r\n\x1a\n') and len(png) > 10000
