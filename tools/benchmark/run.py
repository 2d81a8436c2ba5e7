# Copyright (c) zkd_mm contributors. All rights reserved.
"""Train zkd_mm configs x seeds (x sweep points) and test each run.

    python tools/benchmark/run.py CONFIGS... [--seeds 0 1 2]
        [--launcher none|pytorch|slurm] [--gpus N] [--partition P]
        [--sweep KEY=V1,V2 ...] [--cfg-options ...] [--work-root DIR]

CONFIGS are config paths, globs or model names of ``model-index.yml``.
Each run gets ``<work-root>/<model>/seed<k>/`` (with a sweep,
``<work-root>/<model>/sweep/<point>/seed<k>/``); a finished run is
skipped, an unfinished one resumes. After training, ``tools/test.py``
tests the last checkpoint and the one with the best validation top-1.
One failed run does not stop the others; the summary names each with the
tail of its log. Then ``tools/benchmark/gather.py`` writes the zoo.
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
import os.path as osp
import sys
from typing import List, Optional

# zkd_mm first: its compat layer must be in place before mmrazor imports.
import zkd_mm  # noqa: F401 isort: skip
from mmengine.config import DictAction

from zkd_mm.benchmark import build_specs, resolve_configs
from zkd_mm.benchmark.launch import LAUNCHERS, Launcher, run_all, summary

TOOLS = osp.dirname(osp.dirname(osp.abspath(__file__)))


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('configs', nargs='+',
                        help='config paths, globs or model names')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--launcher', choices=LAUNCHERS, default='none')
    parser.add_argument('--gpus', type=int, default=1,
                        help='processes per run (pytorch, slurm)')
    parser.add_argument('--gpus-per-node', type=int, default=None)
    parser.add_argument('--partition', default='', help='Slurm partition')
    parser.add_argument(
        '--sweep', action='append', default=[], metavar='KEY=V1,V2',
        help='a --cfg-options key and its values; several --sweep give '
        'their grid; KEY1+KEY2=V1,V2 sets both keys to each value')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={}, help='options for every run')
    parser.add_argument('--work-root', default='work_dirs/benchmark')
    parser.add_argument('--model-index', default='model-index.yml')
    parser.add_argument('--no-test', action='store_true',
                        help='do not test the checkpoints after training')
    parser.add_argument('--dry-run', action='store_true',
                        help='print the runs, start nothing')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the benchmark; exit status 1 if a run failed."""
    args = parse_args(argv)
    try:
        configs = resolve_configs(args.configs, args.model_index)
    except ValueError as error:
        raise SystemExit(f'error: {error}')
    specs = build_specs(configs, args.seeds, args.work_root, args.sweep)
    extra = [f'{key}={value}' for key, value in args.cfg_options.items()]
    if args.dry_run:
        for spec in specs:
            print(spec.work_dir, ' '.join(spec.cfg_options + extra))
        return 0
    launcher = Launcher(args.launcher, TOOLS, args.gpus, args.partition,
                        args.gpus_per_node)
    outcomes = run_all(specs, launcher, extra, test=not args.no_test)
    print(summary(outcomes))
    return int(any(outcome.status == 'failed' for outcome in outcomes))


if __name__ == '__main__':
    sys.exit(main())
