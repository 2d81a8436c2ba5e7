# Copyright (c) zkd_mm contributors. All rights reserved.
"""Sweep grids: one work dir per point and seed, tied keys, bad syntax."""
import pytest

from zkd_mm.benchmark.spec import build_specs, parse_sweep

pytestmark = pytest.mark.quick

W = 'model.distiller.distill_losses.{}.loss_weight'


def test_a_grid_is_the_product_of_its_axes():
    specs = build_specs(['configs/x/kd_a.py'], seeds=[0, 1], work_root='r',
                        sweeps=['m.loss_kl.tau=1,2', 'o.lr=0.1'])
    assert [s.work_dir for s in specs] == [
        'r/kd_a/sweep/tau=1,lr=0.1/seed0', 'r/kd_a/sweep/tau=1,lr=0.1/seed1',
        'r/kd_a/sweep/tau=2,lr=0.1/seed0', 'r/kd_a/sweep/tau=2,lr=0.1/seed1'
    ]
    assert specs[3].cfg_options == [
        'randomness.seed=1', 'm.loss_kl.tau=2', 'o.lr=0.1'
    ]


def test_tied_keys_are_one_axis_with_one_value_each():
    tied = '+'.join(W.format(n) for n in ('loss_instance', 'loss_class'))
    specs = build_specs(['c/mlkd_a.py'], seeds=[10], work_root='r',
                        sweeps=[f'{tied}=0.1,0.3', 'o.lr=0.05'])
    assert [s.point for s in specs] == [
        'loss_weight=0.1,lr=0.05', 'loss_weight=0.3,lr=0.05'
    ]
    assert specs[1].cfg_options == [
        'randomness.seed=10', W.format('loss_instance') + '=0.3',
        W.format('loss_class') + '=0.3', 'o.lr=0.05'
    ]


@pytest.mark.parametrize('bad', ['tau', 'tau=', '=1,2', 'a++b=1', 'a=1,,2'])
def test_a_malformed_sweep_says_the_syntax(bad):
    with pytest.raises(ValueError) as error:
        parse_sweep([bad])
    assert str(error.value) == (
        f'--sweep {bad!r}: expected KEY=V1,V2,... or KEY1+KEY2=V1,V2,...')
