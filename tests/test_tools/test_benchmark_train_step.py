# Copyright (c) zkd_mm contributors. All rights reserved.
"""Smoke test of tools/analysis_tools/benchmark_train_step.py (no timing).

Timings depend on the machine, so nothing here asserts on them: the
script must run both settings and print the whole table.
"""
import re
import subprocess
import sys

from tests.subprocess_utils import REPO_ROOT

SCRIPT = REPO_ROOT / 'tools' / 'analysis_tools' / 'benchmark_train_step.py'
NUMBER = r'\d+\.\d+'


def test_prints_four_steps_and_both_ratios_for_both_settings():
    result = subprocess.run([
        sys.executable,
        str(SCRIPT), '--rounds', '2', '--warmup', '1', '--input-size', '32',
        '--batch-size', '2', '--fmnist-batch-size', '4'
    ],
                            cwd=REPO_ROOT,
                            capture_output=True,
                            text=True,
                            timeout=300)
    out = result.stdout
    assert result.returncode == 0, (out + result.stderr)[-5000:]
    header = ('| step | R34->R18 3x32x32, batch 2 (ms) | FMNIST '
              'R18-CIFAR(w16)->LeNet5 1x28x28, batch 4 (ms) |')
    assert header in out
    for row in ('(a) student-only train step', '(b) teacher forward, no grad',
                '(c) MMRazor KD step (KLDivergence)',
                '(d) KD + Z-score step (ZScoreKLDivergence)'):
        assert re.search(rf'\| {re.escape(row)} \| {NUMBER} \| {NUMBER} \|',
                         out), out
    for ratio in (r'd / c \(target <= 1\.02\)',
                  r'd / \(a \+ b\) \(target <= 1\.10\)'):
        cell = rf'{NUMBER} \((met|missed)\)'
        assert re.search(rf'\| {ratio} \| {cell} \| {cell} \|', out), out
