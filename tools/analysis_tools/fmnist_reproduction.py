# Copyright (c) zkd_mm contributors. All rights reserved.
"""Reproduce the paper's KD comparisons on Fashion-MNIST, on a CPU.

Every run is a real ``tools/train.py`` run of a config in
``configs/fashion_mnist/`` (its ``main()``, in this process by default, or
one subprocess per run with ``--subprocess``), with ``--cfg-options`` for the
seed, the training subset, the epochs and the KD weights. Teacher
(ResNet_CIFAR-18, width 8, the shipped checkpoint), student (LeNet-5),
data, augmentation and schedule are the same in every run:

- methods: student only, KD (tau 4, weight 0.9, the DKD paper's KD
  baseline), KD + Z-score (tau 2, weight 9), DKD, DKD + Z-score (the
  configs as they are);
- KD weight sweep, the paper's Table 4 ablation (tau 2, CE weight 0.1):
  vanilla KD (``KLDivergence``) and KD + Z-score (``ZScoreKLDivergence``) at
  each of ``--kd-weights`` (1, 3, 9). The paper: vanilla KD collapses at
  large weights, KD + Z-score does not.

Each run validates once, after its last epoch, on the full 10000-image test
set (student and teacher top-1); the tables give the mean and sample std
over ``--seeds``. ``--out-dir`` gets ``results.md`` (the tables),
``results.json`` (every run) and ``fmnist_reproduction.png`` (bar chart of
the methods, top-1 vs KD weight). A finished run's result is kept in its
work dir and reused when the same run is asked for again (``--force``
reruns).

The defaults are the documented subset that fits in about 40 minutes on 2
CPU cores: the first ``--train-size`` 10000 training images, 5 epochs,
seeds 0 1 2, 30 runs (41 minutes measured, with other jobs on the cores;
``docs/results/fmnist_reproduction/`` has that run's output). ``--smoke``
runs 1 epoch on 256 training and 500 test images with one seed and KD
weights 1 and 9, without data loader workers (8 runs, under half a
minute): a check that everything works, not a result. A diverged run (NaN
loss) is not an error: it is flagged in the tables.

Needs the data: ``python tools/dataset_converters/prepare_fashion_mnist.py``.

Example:
    python tools/analysis_tools/fmnist_reproduction.py
    python tools/analysis_tools/fmnist_reproduction.py --smoke \\
        --out-dir work_dirs/fmnist_smoke
"""
import argparse
import contextlib
import importlib.util
import json
import logging
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = REPO_ROOT / 'configs' / 'fashion_mnist'
TRAIN_TOOL = REPO_ROOT / 'tools' / 'train.py'
PAIR = 'resnet18-w8_lenet5_fashion-mnist'
CONFIGS = {
    'student': 'lenet5_fashion-mnist.py',
    'kd': f'kd_{PAIR}.py',
    'kd-zscore': f'kd-zscore_{PAIR}.py',
    'dkd': f'dkd_{PAIR}.py',
    'dkd-zscore': f'dkd-zscore_{PAIR}.py',
}
# The methods table: (label, run name).
METHODS = (
    ('student only (CE)', 'student'),
    ('KD (tau 4, w 0.9)', 'kd'),
    ('KD + Z-score (tau 2, w 9)', 'kd-zscore_w9'),
    ('DKD (tau 4, alpha 1, beta 8)', 'dkd'),
    ('DKD + Z-score (tau 2, w 9)', 'dkd-zscore'),
)
# The sweep: vanilla KD at the Z-score config's tau, as in Table 4.
SWEEP_TAU = 2.0
KD_LOSS = 'model.distiller.distill_losses.loss_kl'
# zkd_mm's losses stop training on a non-finite loss; MMRazor's
# KLDivergence carries on with NaN weights. Here all carry on, so that a
# diverged run of any method ends the same way (chance-level top-1,
# flagged in the tables).
NONFINITE_RAISING = {
    CONFIGS['kd-zscore']: KD_LOSS,
    CONFIGS['dkd']: 'model.distiller.distill_losses.loss_dkd',
    CONFIGS['dkd-zscore']: 'model.distiller.distill_losses.loss_dkd',
}
TOP1 = 'accuracy/top1'
TEACHER_TOP1 = 'teacher.accuracy/top1'

FULL = dict(
    train_size=10000,
    test_size=None,
    epochs=5,
    seeds=(0, 1, 2),
    kd_weights=(1.0, 3.0, 9.0),
    workers=None)
SMOKE = dict(
    train_size=256,
    test_size=500,
    epochs=1,
    seeds=(0, ),
    kd_weights=(1.0, 9.0),
    workers=0)


@dataclass(frozen=True)
class Run:
    """One training configuration, to be run once per seed.

    Args:
        name (str): Unique name, e.g. ``'kd-zscore_w3'``.
        config (str): File name in ``configs/fashion_mnist/``.
        options (tuple[str]): Its own ``--cfg-options``.
    """

    name: str
    config: str
    options: Tuple[str, ...] = field(default=())


def _weight_tag(weight: float) -> str:
    return f'{weight:g}'


def plan_runs(kd_weights: Sequence[float]) -> List[Run]:
    """The runs of the methods table and of the KD weight sweep.

    The KD + Z-score config's own weight (9) is one of the sweep's runs;
    it is added when ``kd_weights`` lacks it.
    """
    runs = [
        Run('student', CONFIGS['student']),
        Run('kd', CONFIGS['kd']),
        Run('dkd', CONFIGS['dkd']),
        Run('dkd-zscore', CONFIGS['dkd-zscore']),
    ]
    weights = list(dict.fromkeys([*kd_weights, 9.0]))
    for weight in weights:
        runs.append(
            Run(f'kd-zscore_w{_weight_tag(weight)}', CONFIGS['kd-zscore'],
                (f'{KD_LOSS}.loss_weight={weight}', )))
    for weight in kd_weights:
        runs.append(
            Run(f'kd-tau2_w{_weight_tag(weight)}', CONFIGS['kd'],
                (f'{KD_LOSS}.tau={SWEEP_TAU}',
                 f'{KD_LOSS}.loss_weight={weight}')))
    return runs


def train_argv(run: Run,
               seed: int,
               work_dir: Path,
               train_size: Optional[int],
               test_size: Optional[int],
               epochs: int,
               data_root: Optional[str] = None,
               workers: Optional[int] = None) -> List[str]:
    """The ``tools/train.py`` arguments of ``run`` with ``seed``."""
    options = [
        f'randomness.seed={seed}',
        f'train_cfg.max_epochs={epochs}',
        # Validate once, after the last epoch.
        f'train_cfg.val_interval={epochs}',
        f'default_hooks.checkpoint.interval={epochs}',
    ]
    if train_size:
        options.append(f'train_dataloader.dataset.indices={train_size}')
    if test_size:
        options.append(f'val_dataloader.dataset.indices={test_size}')
    if workers is not None:
        for loader in ('train_dataloader', 'val_dataloader'):
            options += [
                f'{loader}.num_workers={workers}',
                f'{loader}.persistent_workers={workers > 0}'
            ]
    if data_root:
        options += [
            f'train_dataloader.dataset.data_root={data_root}',
            f'val_dataloader.dataset.data_root={data_root}'
        ]
    if run.config in NONFINITE_RAISING:
        options.append(f'{NONFINITE_RAISING[run.config]}.nonfinite=propagate')
    return [
        str(CONFIG_DIR / run.config), '--work-dir',
        str(work_dir), '--cfg-options', *options, *run.options
    ]


def read_final_metrics(work_dir: Path) -> Dict[str, Optional[float]]:
    """The last validation metrics that a run wrote to its work dir.

    Also holds ``'loss'``, the last logged training loss (NaN once the
    training diverged; None if none was logged), and ``'peak_loss'``, the
    largest one.

    Raises:
        FileNotFoundError: If the run wrote no validation metrics.
    """
    found: Dict[str, float] = {}
    loss: Optional[float] = None
    peak = math.nan
    for scalars in sorted(work_dir.glob('*/vis_data/scalars.json')):
        for line in scalars.read_text().splitlines():
            record = json.loads(line)
            if TOP1 in record:
                found = dict(record)
            if 'loss' in record:
                loss = float(record['loss'])
                peak = loss if math.isnan(peak) else max(peak, loss)
    if not found:
        raise FileNotFoundError(f'no {TOP1} in {work_dir}/*/vis_data/'
                                'scalars.json: did the run validate?')
    found['loss'] = loss
    found['peak_loss'] = peak
    return found


def _load_train_main() -> Callable[[List[str]], None]:
    spec = importlib.util.spec_from_file_location('_zkd_train_tool',
                                                  TRAIN_TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def _close_new_loggers(before: set) -> None:
    """Close the handlers of the MMLoggers that a finished run created."""
    from mmengine.logging import MMLogger
    for name, logger in list(MMLogger._instance_dict.items()):
        if name not in before:
            for handler in list(logger.handlers):
                handler.close()
                logger.removeHandler(handler)


def launch(argv: List[str], log_file: Path, threads: int,
           use_subprocess: bool) -> None:
    """Run ``tools/train.py argv`` with its console output in ``log_file``.

    Raises:
        RuntimeError: If training fails, with the end of its output.
    """
    if use_subprocess:
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
        with open(log_file, 'w') as log:
            code = subprocess.run(
                [sys.executable, str(TRAIN_TOOL), *argv],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT).returncode
        if code:
            tail = log_file.read_text()[-3000:]
            raise RuntimeError(f'tools/train.py exited {code}: {tail}')
        return
    import torch
    from mmengine.logging import MMLogger
    torch.set_num_threads(threads)
    train_main = _load_train_main()
    before = set(MMLogger._instance_dict)
    with open(log_file, 'w') as log:
        try:
            with contextlib.redirect_stdout(log), \
                    contextlib.redirect_stderr(log):
                train_main(argv)
        except (Exception, SystemExit) as error:
            log.flush()
            tail = log_file.read_text()[-3000:]
            raise RuntimeError(
                f'tools/train.py {" ".join(argv)} failed: {error!r}\n'
                f'{tail}') from error
        finally:
            _close_new_loggers(before)


def run_one(run: Run, seed: int, args: argparse.Namespace,
            settings: Dict) -> Dict:
    """Train ``run`` with ``seed`` (or reuse its result); return it."""
    work_dir = Path(args.work_dir) / f'{run.name}_seed{seed}'
    argv = train_argv(run, seed, work_dir, settings['train_size'],
                      settings['test_size'], settings['epochs'],
                      args.data_root, settings['workers'])
    result_file = work_dir / 'result.json'
    if result_file.is_file() and not args.force:
        cached = json.loads(result_file.read_text())
        if cached.get('argv') == argv:
            if 'peak_loss' not in cached:
                cached['peak_loss'] = read_final_metrics(work_dir)['peak_loss']
            return cached
    if work_dir.exists():
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True)
    start = time.perf_counter()
    launch(argv, work_dir / 'console.log', args.threads, args.subprocess)
    metrics = read_final_metrics(work_dir)
    result = dict(
        run=run.name,
        seed=seed,
        top1=float(metrics[TOP1]),
        teacher_top1=float(metrics.get(TEACHER_TOP1, math.nan)),
        diverged=metrics['loss'] is not None
        and not math.isfinite(metrics['loss']),
        peak_loss=metrics['peak_loss'],
        wall_s=round(time.perf_counter() - start, 1),
        argv=argv)
    result_file.write_text(json.dumps(result, indent=1))
    return result


def summarize(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample standard deviation (NaN for one value)."""
    mean = statistics.fmean(values)
    std = statistics.stdev(values) if len(values) > 1 else math.nan
    return mean, std


def format_mean_std(values: Sequence[float]) -> str:
    """``'mean ± std'`` with two decimals (``'± n/a'`` for one value)."""
    mean, std = summarize(values)
    spread = 'n/a' if math.isnan(std) else f'{std:.2f}'
    return f'{mean:.2f} ± {spread}'


def top1_by_run(results: Sequence[Dict]) -> Dict[str, List[float]]:
    """Student top-1 of each run name, in seed order."""
    table: Dict[str, List[float]] = {}
    for result in sorted(results, key=lambda r: (r['run'], r['seed'])):
        table.setdefault(result['run'], []).append(result['top1'])
    return table


def peak_loss_by_run(results: Sequence[Dict]) -> Dict[str, float]:
    """The largest logged training loss of each run name, over seeds."""
    peaks: Dict[str, float] = {}
    for result in results:
        peak = result.get('peak_loss', math.nan)
        previous = peaks.get(result['run'], math.nan)
        peaks[result['run']] = peak if math.isnan(previous) else max(
            previous, peak)
    return peaks


def diverged_by_run(results: Sequence[Dict]) -> Dict[str, int]:
    """How many seeds of each run name ended with a non-finite loss."""
    counts: Dict[str, int] = {}
    for result in results:
        counts[result['run']] = counts.get(result['run'], 0) + int(
            result.get('diverged', False))
    return counts


def render_markdown(results: Sequence[Dict], settings: Dict,
                    kd_weights: Sequence[float], command: str) -> str:
    """The results tables as markdown."""
    top1 = top1_by_run(results)
    diverged = diverged_by_run(results)
    peaks = peak_loss_by_run(results)

    def cell(name: str) -> str:
        text = format_mean_std(top1[name])
        if diverged.get(name):
            text += f' ({diverged[name]} diverged)'
        return text

    teacher = sorted({
        round(r['teacher_top1'], 2)
        for r in results if not math.isnan(r['teacher_top1'])
    })
    seeds = settings['seeds']
    run_minutes = sum(r['wall_s'] for r in results) / 60
    train_size = settings['train_size'] or 60000
    test_size = settings['test_size'] or 10000
    lines = [
        '# Fashion-MNIST: KD, DKD and Z-score, ResNet_CIFAR-18 (width 8) '
        '-> LeNet-5',
        '',
        f'Command: `{command}`',
        '',
        f'Training set: the first {train_size} of the 60000 training '
        f'images; {settings["epochs"]} epoch(s); top-1 (%) of the last '
        f'epoch on {test_size} test images; mean ± sample std over seeds '
        f'{", ".join(map(str, seeds))}. Teacher top-1: '
        f'{", ".join(f"{t:.2f}" for t in teacher) or "n/a"}. '
        f'{len(results)} runs, {run_minutes:.1f} min in all (the sum of '
        f'their wall times; {settings["threads"]} torch thread(s), '
        f'{"subprocesses" if settings["subprocess"] else "in process"}).',
        '',
        'Peak train loss: the largest training loss that the runs logged '
        '(a mean over 10 iterations, logged every 50), over the seeds; a '
        'run whose last logged loss is not finite is marked diverged.',
        '',
        '## Methods',
        '',
        '| method | top-1 (%) | per seed | peak train loss |',
        '| --- | --- | --- | --- |',
    ]
    for label, name in METHODS:
        values = top1[name]
        lines.append(f'| {label} | {cell(name)} | '
                     f'{", ".join(f"{v:.2f}" for v in values)} | '
                     f'{peaks[name]:.3g} |')
    lines += [
        '',
        f'## KD weight sweep (tau {SWEEP_TAU:g}, CE weight 0.1; the '
        "paper's Table 4)",
        '',
        '| KD weight | KD | KD + Z-score | peak train loss, KD / KD + '
        'Z-score |',
        '| --- | --- | --- | --- |',
    ]
    for weight in kd_weights:
        tag = _weight_tag(weight)
        kd, zkd = f'kd-tau2_w{tag}', f'kd-zscore_w{tag}'
        lines.append(f'| {tag} | {cell(kd)} | {cell(zkd)} | '
                     f'{peaks[kd]:.3g} / {peaks[zkd]:.3g} |')
    return '\n'.join(lines) + '\n'


def plot(results: Sequence[Dict], kd_weights: Sequence[float],
         path: Path) -> None:
    """Bar chart of the methods and top-1 vs KD weight, in one PNG."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    top1 = top1_by_run(results)

    def stats(name):
        mean, std = summarize(top1[name])
        return mean, 0.0 if math.isnan(std) else std

    fig, (bars, sweep) = plt.subplots(1, 2, figsize=(12, 4.5))
    means, stds = zip(*(stats(name) for _, name in METHODS))
    labels = [label.replace(' (', '\n(') for label, _ in METHODS]
    bars.bar(
        range(len(METHODS)),
        means,
        yerr=stds,
        capsize=4,
        color=['0.6', 'C0', 'C1', 'C2', 'C3'])
    for index, (mean, std) in enumerate(zip(means, stds)):
        bars.annotate(
            f'{mean:.2f}', (index, mean + std),
            xytext=(0, 3),
            textcoords='offset points',
            ha='center',
            fontsize=8)
    bars.set_xticks(range(len(METHODS)), labels, fontsize=7)
    low = min(m - s for m, s in zip(means, stds))
    high = max(m + s for m, s in zip(means, stds))
    margin = max(0.5, (high - low) * 0.3)
    bars.set_ylim(low - margin, high + margin)
    bars.set_ylabel('student top-1 (%)')
    teacher = [
        r['teacher_top1'] for r in results if not math.isnan(r['teacher_top1'])
    ]
    title = 'Methods (mean ± std over seeds)'
    if teacher:
        title += f'; teacher {statistics.fmean(teacher):.2f}'
    bars.set_title(title)
    for label, prefix, color in (('KD', 'kd-tau2', 'C0'), ('KD + Z-score',
                                                           'kd-zscore', 'C1')):
        points = [stats(f'{prefix}_w{_weight_tag(w)}') for w in kd_weights]
        sweep.errorbar(
            kd_weights, [p[0] for p in points],
            yerr=[p[1] for p in points],
            marker='o',
            capsize=4,
            color=color,
            label=label)
    sweep.set_xscale('log')
    sweep.set_xticks(kd_weights, [_weight_tag(w) for w in kd_weights])
    sweep.set_xlabel(f'KD weight (tau {SWEEP_TAU:g}, CE weight 0.1)')
    sweep.set_ylabel('student top-1 (%)')
    sweep.set_title('Top-1 vs KD weight')
    sweep.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(
        description='KD / DKD / Z-score comparison on Fashion-MNIST')
    parser.add_argument(
        '--smoke',
        action='store_true',
        help='1 epoch on 256 training and 500 test images, seed 0, KD '
        'weights 1 and 9, no data loader workers: a quick check, not a '
        'result')
    parser.add_argument(
        '--train-size',
        type=int,
        help='train on the first N training images (0: all 60000; default '
        f'{FULL["train_size"]}, {SMOKE["train_size"]} with --smoke)')
    parser.add_argument(
        '--test-size',
        type=int,
        help='validate on the first N test images (default all 10000, '
        f'{SMOKE["test_size"]} with --smoke)')
    parser.add_argument(
        '--epochs',
        type=int,
        help=f'default {FULL["epochs"]}, {SMOKE["epochs"]} with --smoke')
    parser.add_argument(
        '--seeds', type=int, nargs='+', help='default 0 1 2, 0 with --smoke')
    parser.add_argument(
        '--kd-weights',
        type=float,
        nargs='+',
        help='KD weights of the sweep (default 1 3 9, 1 9 with --smoke)')
    parser.add_argument(
        '--data-root',
        help='folder with the four uncompressed Fashion-MNIST files '
        '(default: the configs\' data/fashion_mnist)')
    parser.add_argument(
        '--out-dir',
        default=str(REPO_ROOT / 'docs' / 'results' / 'fmnist_reproduction'),
        help='where results.md, results.json and the PNG go')
    parser.add_argument(
        '--work-dir',
        help='work dirs of the runs (default: work_dirs/fmnist_reproduction'
        ', or work_dirs/fmnist_reproduction_smoke with --smoke)')
    parser.add_argument(
        '--threads',
        type=int,
        default=1,
        help='torch threads per run (default 1: on a 2-core machine the '
        'data loader worker takes the other core)')
    parser.add_argument(
        '--subprocess',
        action='store_true',
        help='start tools/train.py as a new process for each run (slower '
        'start, full isolation)')
    parser.add_argument(
        '--force',
        action='store_true',
        help='rerun runs whose results are already in the work dirs')
    args = parser.parse_args(argv)
    defaults = SMOKE if args.smoke else FULL
    for key in ('train_size', 'test_size', 'epochs', 'seeds', 'kd_weights'):
        if getattr(args, key) is None:
            setattr(
                args, key,
                list(defaults[key])
                if isinstance(defaults[key], tuple) else defaults[key])
    args.workers = defaults['workers']
    if args.work_dir is None:
        args.work_dir = str(REPO_ROOT / 'work_dirs' /
                            ('fmnist_reproduction_smoke'
                             if args.smoke else 'fmnist_reproduction'))
    return args


def _relative_paths(result: Dict) -> Dict:
    """``result`` with the repository's paths in ``argv`` made relative."""
    prefix = f'{REPO_ROOT}{os.sep}'
    argv = [
        arg[len(prefix):] if arg.startswith(prefix) else arg
        for arg in result['argv']
    ]
    return dict(result, argv=argv)


def main(argv: Optional[List[str]] = None) -> None:
    """Run the benchmark from the command line."""
    args = parse_args(argv)
    command = ' '.join([
        'python', 'tools/analysis_tools/fmnist_reproduction.py',
        *(sys.argv[1:] if argv is None else argv)
    ])
    settings = dict(
        train_size=args.train_size,
        test_size=args.test_size,
        epochs=args.epochs,
        seeds=list(args.seeds),
        kd_weights=list(args.kd_weights),
        workers=args.workers,
        threads=args.threads,
        subprocess=args.subprocess)
    runs = plan_runs(args.kd_weights)
    todo = [(run, seed) for seed in args.seeds for run in runs]
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    log = logging.getLogger('fmnist_reproduction')
    start = time.perf_counter()
    results = []
    for index, (run, seed) in enumerate(todo, 1):
        result = run_one(run, seed, args, settings)
        results.append(result)
        elapsed = time.perf_counter() - start
        log.info(f'[{index}/{len(todo)}] {run.name} seed {seed}: top-1 '
                 f'{result["top1"]:.2f} (teacher '
                 f'{result["teacher_top1"]:.2f}), {result["wall_s"]:.0f} s; '
                 f'{elapsed / 60:.1f} min so far')
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    markdown = render_markdown(results, settings, args.kd_weights, command)
    (out_dir / 'results.md').write_text(markdown)
    (out_dir / 'results.json').write_text(
        json.dumps(
            dict(
                command=command,
                settings=settings,
                runs_wall_s=sum(r['wall_s'] for r in results),
                runs=[_relative_paths(r) for r in results]),
            indent=1))
    plot(results, args.kd_weights, out_dir / 'fmnist_reproduction.png')
    print(markdown)
    print(f'Wrote {out_dir}/results.md, results.json and '
          f'fmnist_reproduction.png ({len(todo)} runs in '
          f'{(time.perf_counter() - start) / 60:.1f} min, reused results '
          'included)')


if __name__ == '__main__':
    main()
