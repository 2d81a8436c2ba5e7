# Copyright (c) zkd_mm contributors. All rights reserved.
"""Gather benchmark runs into the model zoo, or check them against it.

    python tools/benchmark/gather.py [--work-root DIR]
        [--update-metafiles] [--update-readme README:NAME ...]
        [--out DIR] [--weights MODEL=URL ...] [--sweep MODEL]
        [--previous SUMMARY_JSON] [--check --tolerance 2]

Reads every finished run under ``--work-root`` (``benchmark.json``,
``scalars.json`` of each attempt, the test results), aggregates mean ±
sample std over seeds (with ``--previous``, also the zoo runs of an
earlier ``summary.json`` whose model has no run under ``--work-root``), and

- writes ``summary.csv``, ``summary.json`` and ``models.png`` into
  ``--out`` (with ``--sweep MODEL``: ``MODEL.md`` and ``MODEL.png``, the
  table and heat map of that model's one- or two-key sweep);
- with ``--update-metafiles``, sets the ``Results`` of each model in its
  ``metafile.yml`` (and ``Weights`` given with ``--weights``);
- with ``--update-readme PATH:NAME``, regenerates the table between
  ``<!-- benchmark:NAME -->`` and ``<!-- benchmark:end -->`` in PATH from
  the models of the metafile whose ``README`` is PATH;
- with ``--check``, fails (exit 1) if a model's mean moved more than
  ``--tolerance`` stored stds from its stored ``Results``.
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
import os
import os.path as osp
import shlex
import sys
from typing import List, Optional

from zkd_mm.benchmark import aggregate_runs
from zkd_mm.benchmark.plots import plot_models, plot_sweep, sweep_table
from zkd_mm.benchmark.results import find_runs, runs_from_summary
from zkd_mm.benchmark.zoo import (check, dump_metafile, load_metafiles,
                                  render_table, replace_block,
                                  update_metafiles, write_summary)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--work-root', default='work_dirs/benchmark')
    parser.add_argument('--model-index', default='model-index.yml')
    parser.add_argument('--out', help='folder for the summary and plots')
    parser.add_argument('--previous', metavar='SUMMARY_JSON',
                        help="an earlier gather's summary.json: its zoo runs "
                        'of models with no run under --work-root are kept')
    parser.add_argument('--update-metafiles', action='store_true')
    parser.add_argument('--update-readme', nargs='+', default=[],
                        metavar='PATH:NAME')
    parser.add_argument('--weights', nargs='+', default=[],
                        metavar='MODEL=URL')
    parser.add_argument('--sweep', metavar='MODEL',
                        help="write the table and heat map of MODEL's "
                        'one- or two-key sweep')
    parser.add_argument('--command', default=None,
                        help='the benchmark command, quoted under the '
                        'tables (defaults to this command)')
    parser.add_argument('--check', action='store_true')
    parser.add_argument('--tolerance', type=float, default=2.0)
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Gather; exit status 1 when --check finds a moved model."""
    args = parse_args(argv)
    runs = find_runs(args.work_root)
    if args.previous:
        fresh = {run.model for run in runs}
        runs += [
            run for run in runs_from_summary(args.previous)
            if run.model not in fresh
        ]
    aggregates = aggregate_runs(runs)
    if not aggregates:
        raise SystemExit(f'error: no finished run under {args.work_root}')
    metafiles = {}
    if args.check or args.update_metafiles or args.update_readme:
        if not osp.isfile(args.model_index):
            raise SystemExit(
                f'error: {args.model_index} not found; run from the '
                'repository root or pass --model-index')
        metafiles = load_metafiles(args.model_index)
    if args.check:
        problems = check(metafiles, aggregates, args.tolerance)
        print('\n'.join(problems) or
              f'{len(aggregates)} models within {args.tolerance} stds.')
        return int(bool(problems))
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        write_summary(aggregates, osp.join(args.out, 'summary.csv'),
                      osp.join(args.out, 'summary.json'))
        if any(not a.overrides for a in aggregates):
            plot_models(aggregates, osp.join(args.out, 'models.png'))
        if args.sweep:
            points = [a for a in aggregates if a.model == args.sweep]
            if not any(a.overrides for a in points):
                swept = sorted({a.model for a in aggregates if a.overrides})
                raise SystemExit(f'error: no sweep of {args.sweep} under '
                                 f'{args.work_root}; swept: {swept}')
            with open(osp.join(args.out, f'{args.sweep}.md'), 'w') as file:
                file.write(sweep_table(points) + '\n')
            plot_sweep(points, osp.join(args.out, f'{args.sweep}.png'),
                       args.sweep)
    if args.update_metafiles:
        weights = dict(item.split('=', 1) for item in args.weights)
        for path in update_metafiles(metafiles, aggregates, weights):
            dump_metafile(path, metafiles[path])
            print(f'updated {path}')
    command = args.command or shlex.join(['python', *sys.argv])
    for item in args.update_readme:
        path, _, name = item.rpartition(':')
        models = [
            model for data in metafiles.values()
            for collection in data.get('Collections', [])
            if osp.abspath(collection.get('README', '')) == osp.abspath(path)
            for model in data.get('Models', [])
        ]
        with open(path) as file:
            text = file.read()
        text = replace_block(text, name,
                             render_table(models, aggregates, command))
        with open(path, 'w') as file:
            file.write(text)
        print(f'updated {path} ({name})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
