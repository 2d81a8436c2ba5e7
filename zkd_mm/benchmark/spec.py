# Copyright (c) zkd_mm contributors. All rights reserved.
"""What to run: configs x seeds x sweep points, each with its work dir."""
import glob
import itertools
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

DEFAULT_SEEDS = (0, 1, 2)
# Joins keys that a sweep sets to the same value (one grid axis).
TIE = '+'


@dataclass(frozen=True)
class RunSpec:
    """One training run of the benchmark.

    Attributes:
        model (str): The model name (the config's file stem, as in the
            metafiles).
        config (str): The config path.
        seed (int): ``randomness.seed``.
        overrides (tuple[tuple[str, str], ...]): The sweep point's
            ``--cfg-options``, in sweep order; a key ``a.w+b.w`` sets
            each of its ``+``-joined keys to the value.
        work_dir (str): Where the run writes everything.
    """

    model: str
    config: str
    seed: int
    work_dir: str
    overrides: Tuple[Tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def cfg_options(self) -> List[str]:
        """``key=value`` options of the seed and the sweep point."""
        return [f'randomness.seed={self.seed}'] + [
            f'{key}={value}' for keys, value in self.overrides
            for key in keys.split(TIE)
        ]

    @property
    def point(self) -> str:
        """The sweep point as a readable folder name ('' without sweep)."""
        return point_name(self.overrides)


def point_name(overrides: Sequence[Tuple[str, str]]) -> str:
    """``tau=2,loss_weight=9`` from full dotted keys (last components;
    tied keys by their first)."""
    return ','.join(f'{key.split(TIE)[0].split(".")[-1]}={value}'
                    for key, value in overrides)


def _model_index(path: str) -> Dict[str, str]:
    """Model name -> config path, from a model-index.yml and its imports."""
    root = osp.dirname(osp.abspath(path))
    with open(path) as file:
        index = yaml.safe_load(file) or {}
    models = {}
    for metafile in index.get('Import', []):
        with open(osp.join(root, metafile)) as file:
            for model in (yaml.safe_load(file) or {}).get('Models', []):
                models[model['Name']] = osp.join(root, model['Config'])
    return models


def resolve_configs(items: Sequence[str],
                    model_index: str = 'model-index.yml') -> List[str]:
    """Config paths from paths, globs or model names of ``model_index``.

    Raises:
        ValueError: For an item that is none of these, naming close model
            names.
    """
    configs: List[str] = []
    known: Optional[Dict[str, str]] = None
    for item in items:
        matches = sorted(glob.glob(item))
        if matches:
            configs += matches
            continue
        if known is None:
            known = _model_index(model_index) if osp.exists(
                model_index) else {}
        if item in known:
            configs.append(known[item])
            continue
        import difflib
        close = difflib.get_close_matches(item, list(known), n=3)
        hint = f' Did you mean: {", ".join(close)}?' if close else ''
        raise ValueError(f'{item!r} is neither a config file, a glob with '
                         f'matches, nor a model name in {model_index}.'
                         f'{hint}')
    return configs


def parse_sweep(sweeps: Sequence[str]) -> List[Tuple[str, List[str]]]:
    """``['a.b=1,2', 'c=x,y']`` -> ``[('a.b', ['1', '2']), ...]``.

    ``'a.w+b.w=1,2'`` is one axis that sets both keys to each value (for
    example one weight for MLKD's three losses).
    """
    parsed = []
    for sweep in sweeps:
        key, sep, values = sweep.partition('=')
        if (not sep or not values
                or not all(key.split(TIE))) or not all(values.split(',')):
            raise ValueError(f'--sweep {sweep!r}: expected KEY=V1,V2,... '
                             f'or KEY1{TIE}KEY2=V1,V2,...')
        parsed.append((key, values.split(',')))
    return parsed


def build_specs(configs: Sequence[str],
                seeds: Sequence[int] = DEFAULT_SEEDS,
                work_root: str = 'work_dirs/benchmark',
                sweeps: Sequence[str] = ()) -> List[RunSpec]:
    """One :class:`RunSpec` per config x sweep point x seed.

    Work dirs are ``<work_root>/<model>/seed<k>``, or with a sweep
    ``<work_root>/<model>/sweep/<point>/seed<k>``.
    """
    grid = parse_sweep(sweeps)
    points = [
        tuple(zip([key for key, _ in grid], values))
        for values in itertools.product(*[values for _, values in grid])
    ]
    specs = []
    for config in configs:
        model = osp.splitext(osp.basename(config))[0]
        for overrides in points:
            base = osp.join(work_root, model)
            if overrides:
                base = osp.join(base, 'sweep', point_name(overrides))
            for seed in seeds:
                specs.append(
                    RunSpec(model, config, int(seed),
                            osp.join(base, f'seed{seed}'), overrides))
    return specs
