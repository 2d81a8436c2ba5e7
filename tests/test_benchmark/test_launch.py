# Copyright (c) zkd_mm contributors. All rights reserved.
"""A work dir of another run is neither skipped as finished nor resumed.

Sweep points are named by the last component of each key, so the CE
weight ``model.architecture.head.loss.loss_weight`` and a distill loss's
``loss_weight`` give the same folder. Found when an MLKD sweep over its
distill weights would have skipped the finished CE-weight sweep's runs.
"""
import json

import pytest

from zkd_mm.benchmark.launch import Launcher, run_spec
from zkd_mm.benchmark.spec import build_specs

pytestmark = pytest.mark.quick

CE = 'model.architecture.head.loss.loss_weight'
KL = 'model.distiller.distill_losses.loss_kl.loss_weight'


def _finished(work_dir, config, seed, overrides, **extra):
    work_dir.mkdir(parents=True)
    state = dict(config=config, seed=seed, overrides=overrides,
                 status='done', **extra)
    (work_dir / 'benchmark.json').write_text(json.dumps(state))
    return state


def test_a_finished_run_of_another_sweep_key_fails_untouched(tmp_path):
    (spec, ) = build_specs(['c/kd_a.py'], seeds=[10],
                           work_root=str(tmp_path), sweeps=[f'{KL}=0.1'])
    state = _finished(tmp_path / 'kd_a/sweep/loss_weight=0.1/seed10',
                      'c/kd_a.py', 10, {CE: '0.1'})
    outcome = run_spec(spec, Launcher())
    assert outcome.status == 'failed'
    assert outcome.detail == (
        f"{spec.work_dir} holds another run (overrides={{'{CE}': '0.1'}}); "
        f"this one has overrides={{'{KL}': '0.1'}}. Use another "
        '--work-root, or remove that work dir.')
    work_dir = tmp_path / 'kd_a/sweep/loss_weight=0.1/seed10'
    assert json.loads((work_dir / 'benchmark.json').read_text()) == state
    assert sorted(p.name for p in work_dir.iterdir()) == ['benchmark.json']


def test_the_same_finished_run_is_skipped(tmp_path):
    (spec, ) = build_specs(['c/kd_a.py'], seeds=[0], work_root=str(tmp_path))
    _finished(tmp_path / 'kd_a/seed0', 'c/kd_a.py', 0, {},
              options=['train_cfg.max_epochs=1'])
    outcome = run_spec(spec, Launcher(), ['train_cfg.max_epochs=1'])
    assert (outcome.status, outcome.detail) == ('skipped', 'finished before')
