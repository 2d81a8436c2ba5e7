# Copyright (c) zkd_mm contributors. All rights reserved.
"""Time a KD + Z-score train step against the steps it is made of.

Four steps are timed, interleaved in one process (the starting step rotates
every round, so drift and cache effects hit all alike), and their median
per-iteration times are printed as a markdown table:

- (a) a student-only train step: ``student.train_step`` (preprocessing,
  forward, CE, backward, SGD step);
- (b) a teacher forward without gradients (``mode='tensor'``, eval mode,
  on already preprocessed inputs): the least a distillation step must add;
- (c) an MMRazor KD step: ``train_step`` of the distillation algorithm with
  a ``ConfigurableDistiller`` and MMRazor's ``KLDivergence``;
- (d) the same step with zkd_mm's ``ZScoreKLDivergence``.

Targets: ``d / c <= 1.02`` (the Z-score costs next to nothing on top of
KD) and ``d / (a + b) <= 1.10`` (the distillation machinery costs little
on top of the student step plus the teacher's forward).

Two settings, with random weights and random inputs (no dataset):

- ``r34-r18``: the ImageNet ResNet-34 -> ResNet-18 models of
  ``configs/imagenet/kd_resnet34_resnet18_8xb64_in1k.py`` (c) and
  ``configs/imagenet/kd-zscore_resnet34_resnet18_8xb64_in1k.py`` (d), at ``--input-size`` and ``--batch-size``;
- ``fmnist``: a Fashion-MNIST-sized pair, 1x28x28 grayscale, 10 classes:
  teacher mmpretrain ``ResNet_CIFAR`` depth 18 with ``in_channels=1`` and
  ``--fmnist-width`` stem and base channels, student mmpretrain ``LeNet5``
  (its own classifier gives the logits, read by a ``ClsHead``). LeNet5 needs
  32x32 inputs, so the data preprocessor zero-pads 28x28 to 32x32
  (``pad_size_divisor=32``), as LeNet-5 did with MNIST.

Example:
    python tools/analysis_tools/benchmark_train_step.py --rounds 30
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
import statistics
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

# zkd_mm first: its compat layer must be in place before mmrazor imports.
import zkd_mm  # noqa: F401 isort: skip
import torch
from mmengine.config import Config, ConfigDict
from mmengine.optim import OptimWrapper
from mmengine.registry import MODELS, init_default_scope
from mmpretrain.structures import DataSample
from mmrazor.utils import register_all_modules

CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs'
STEPS = ('a', 'b', 'c', 'd')
STEP_NAMES = {
    'a': '(a) student-only train step',
    'b': '(b) teacher forward, no grad',
    'c': '(c) MMRazor KD step (KLDivergence)',
    'd': '(d) KD + Z-score step (ZScoreKLDivergence)',
}
TARGET_D_OVER_C = 1.02
TARGET_D_OVER_AB = 1.10
# Fashion-MNIST pixel mean and std (0.2860, 0.3530), in 0-255 units.
FMNIST_MEAN, FMNIST_STD = 72.94, 90.02


def _logit_distiller(loss: dict, student_source: str,
                     teacher_source: str) -> dict:
    """A ``ConfigurableDistiller`` with one logit loss, as in the configs."""
    return dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source=student_source)),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source=teacher_source)),
        distill_losses=dict(loss_kl=loss),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'))))


def fmnist_pair(teacher_width: int = 16, num_classes: int = 10) -> Dict:
    """The Fashion-MNIST pair: ResNet_CIFAR-18 teacher, LeNet5 student.

    Args:
        teacher_width (int): Stem and base channels of the teacher (64 is
            the standard ResNet-18 width). Defaults to 16.
        num_classes (int): Defaults to 10.

    Returns:
        dict: ``data_preprocessor``, ``student``, ``teacher`` model dicts
        and the recorder ``student_source`` / ``teacher_source``.
    """
    ce = dict(type='CrossEntropyLoss', loss_weight=1.0)
    return dict(
        data_preprocessor=dict(
            type='ImgDataPreprocessor',
            mean=[FMNIST_MEAN],
            std=[FMNIST_STD],
            pad_size_divisor=32),
        student=dict(
            _scope_='mmpretrain',
            type='ImageClassifier',
            backbone=dict(type='LeNet5', num_classes=num_classes),
            head=dict(type='ClsHead', loss=ce)),
        teacher=dict(
            _scope_='mmpretrain',
            type='ImageClassifier',
            backbone=dict(
                type='ResNet_CIFAR',
                depth=18,
                in_channels=1,
                stem_channels=teacher_width,
                base_channels=teacher_width,
                num_stages=4,
                out_indices=(3, ),
                style='pytorch'),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead',
                num_classes=num_classes,
                in_channels=8 * teacher_width,
                loss=ce)),
        student_source='backbone.classifier',
        teacher_source='head.fc')


def algorithm_configs(setting: str, args: argparse.Namespace):
    """Model dicts of (a) the student, (b) the teacher, (c) and (d).

    Returns:
        tuple: ``(student, teacher, kd, zkd, input_shape, batch_size)``.
    """
    if setting == 'r34-r18':
        kd = Config.fromfile(
            str(CONFIG_DIR / 'imagenet' /
                'kd_resnet34_resnet18_8xb64_in1k.py')).model
        zkd = Config.fromfile(
            str(CONFIG_DIR / 'imagenet' /
                'kd-zscore_resnet34_resnet18_8xb64_in1k.py')).model
        shape = (3, args.input_size, args.input_size)
        batch_size = args.batch_size
    else:
        pair = fmnist_pair(args.fmnist_width)
        base = dict(
            _scope_='mmrazor',
            type='CheckedSingleTeacherDistill',
            data_preprocessor=pair['data_preprocessor'],
            architecture=pair['student'],
            teacher=pair['teacher'])
        sources = pair['student_source'], pair['teacher_source']
        kd = ConfigDict(
            base,
            distiller=_logit_distiller(
                dict(type='KLDivergence', tau=4.0, loss_weight=0.9), *sources))
        zkd = ConfigDict(
            base,
            distiller=_logit_distiller(
                dict(type='ZScoreKLDivergence', tau=2.0, loss_weight=9.0),
                *sources))
        shape = (1, 28, 28)
        batch_size = args.fmnist_batch_size
    for model in (kd, zkd):
        model.teacher_ckpt = None
        if args.algorithm != 'config':
            model.type = args.algorithm
        else:  # a random teacher is all a timing needs
            model.allow_random_teacher = True
    # A built preprocessor: mmpretrain's ImageClassifier would add
    # ``batch_augments`` to a dict, which ImgDataPreprocessor rejects.
    student = dict(
        kd.architecture.to_dict(),
        data_preprocessor=MODELS.build(kd.data_preprocessor))
    teacher = dict(
        kd.teacher.to_dict(),
        data_preprocessor=MODELS.build(kd.data_preprocessor))
    return student, teacher, kd, zkd, shape, batch_size


def _optim_wrapper(model: torch.nn.Module) -> OptimWrapper:
    params = [p for p in model.parameters() if p.requires_grad]
    return OptimWrapper(
        torch.optim.SGD(params, lr=1e-3, momentum=0.9, weight_decay=1e-4))


def build_steps(setting: str, args: argparse.Namespace,
                device: torch.device) -> Dict[str, Callable[[], None]]:
    """The four steps of ``setting`` as no-argument callables."""
    student_cfg, teacher_cfg, kd_cfg, zkd_cfg, shape, batch_size = (
        algorithm_configs(setting, args))
    torch.manual_seed(0)
    student, teacher, kd, zkd = (
        MODELS.build(cfg).to(device)
        for cfg in (student_cfg, teacher_cfg, kd_cfg, zkd_cfg))
    # Not chained: MMRazor's SingleTeacherDistill.train returns None.
    for model in (student, kd, zkd):
        model.train()
    teacher.eval()
    data = dict(
        inputs=torch.randint(0, 256, (batch_size, *shape), dtype=torch.uint8),
        data_samples=[
            DataSample().set_gt_label(i % 10) for i in range(batch_size)
        ])
    inputs = teacher.data_preprocessor(data, False)['inputs']
    wrappers = {
        name: _optim_wrapper(m)
        for name, m in (('a', student), ('c', kd), ('d', zkd))
    }

    def teacher_forward():
        with torch.no_grad():
            teacher(inputs, mode='tensor')

    return dict(
        a=lambda: student.train_step(data, wrappers['a']),
        b=teacher_forward,
        c=lambda: kd.train_step(data, wrappers['c']),
        d=lambda: zkd.train_step(data, wrappers['d']))


def _sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def time_steps(steps: Dict[str, Callable[[], None]],
               rounds: int,
               warmup: int,
               device: torch.device,
               clock: str = 'wall') -> Dict[str, List[float]]:
    """Seconds per call of each step, ``rounds`` interleaved rounds.

    ``clock='wall'`` measures elapsed time; ``clock='cpu'`` the CPU time of
    this process (all its threads), which other processes on a shared
    machine do not inflate.
    """
    timer = time.process_time if clock == 'cpu' else time.perf_counter
    for _ in range(warmup):
        for step in steps.values():
            step()
    times: Dict[str, List[float]] = {name: [] for name in steps}
    names = list(steps)
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            _sync(device)
            start = timer()
            steps[name]()
            _sync(device)
            times[name].append(timer() - start)
    return times


def profile_steps(steps: Dict[str, Callable[[], None]], names: str,
                  repeats: int, row_limit: int) -> None:
    """Print torch.profiler's op table for each step in ``names``."""
    from torch.profiler import ProfilerActivity, profile
    activities = [ProfilerActivity.CPU]
    if torch.cuda.is_available():
        activities.append(ProfilerActivity.CUDA)
    for name in names:
        with profile(activities=activities) as prof:
            for _ in range(repeats):
                steps[name]()
        print(f'\nProfile of {STEP_NAMES[name]}, {repeats} calls, by self '
              'CPU time:')
        print(prof.key_averages().table(
            sort_by='self_cpu_time_total', row_limit=row_limit))


def setting_label(setting: str, args: argparse.Namespace) -> str:
    """Column header of a setting."""
    if setting == 'r34-r18':
        return (f'R34->R18 3x{args.input_size}x{args.input_size}, '
                f'batch {args.batch_size}')
    return (f'FMNIST R18-CIFAR(w{args.fmnist_width})->LeNet5 1x28x28, '
            f'batch {args.fmnist_batch_size}')


def format_table(medians: Dict[str, Dict[str, float]]) -> str:
    """Markdown table: one column per setting, one row per step and ratio.

    Args:
        medians (dict): ``{setting label: {step: median seconds}}``.

    Returns:
        str: The table.
    """
    labels = list(medians)
    lines = [
        '| step | ' + ' | '.join(f'{label} (ms)' for label in labels) + ' |',
        '| --- |' + ' --- |' * len(labels)
    ]
    for step in STEPS:
        cells = [f'{medians[label][step] * 1e3:.2f}' for label in labels]
        lines.append(f'| {STEP_NAMES[step]} | ' + ' | '.join(cells) + ' |')
    ratios = (
        (f'd / c (target <= {TARGET_D_OVER_C:.2f})', TARGET_D_OVER_C,
         lambda m: m['d'] / m['c']),
        (f'd / (a + b) (target <= {TARGET_D_OVER_AB:.2f})', TARGET_D_OVER_AB,
         lambda m: m['d'] / (m['a'] + m['b'])),
    )
    for name, target, ratio in ratios:
        cells = []
        for label in labels:
            value = ratio(medians[label])
            verdict = 'met' if value <= target else 'missed'
            cells.append(f'{value:.3f} ({verdict})')
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--settings',
        nargs='+',
        choices=['r34-r18', 'fmnist'],
        default=['r34-r18', 'fmnist'],
        help='which model pairs to time (default: both)')
    parser.add_argument(
        '--rounds',
        type=int,
        default=30,
        help='timed interleaved rounds (median)')
    parser.add_argument(
        '--warmup', type=int, default=3, help='untimed rounds first')
    parser.add_argument(
        '--input-size',
        type=int,
        default=64,
        help='r34-r18: square input size')
    parser.add_argument(
        '--batch-size', type=int, default=16, help='r34-r18: batch size')
    parser.add_argument(
        '--fmnist-batch-size', type=int, default=64, help='fmnist: batch size')
    parser.add_argument(
        '--fmnist-width',
        type=int,
        default=16,
        help='fmnist: stem and base channels of the ResNet_CIFAR-18 teacher')
    parser.add_argument(
        '--algorithm',
        default='config',
        choices=['config', 'SingleTeacherDistill'],
        help='algorithm of (c) and (d): the configs\' '
        'CheckedSingleTeacherDistill, or MMRazor\'s SingleTeacherDistill')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda')
    parser.add_argument(
        '--clock',
        default='wall',
        choices=['wall', 'cpu'],
        help='wall: elapsed time; cpu: CPU time of this process, robust to '
        'other load on a shared machine (CPU device only; use with '
        '--threads 1, since idle worker threads may spin)')
    parser.add_argument(
        '--threads',
        type=int,
        default=None,
        help='torch CPU threads (default: torch default)')
    parser.add_argument(
        '--profile',
        default='',
        help='steps to profile with torch.profiler after timing, e.g. cd')
    parser.add_argument('--profile-repeats', type=int, default=5)
    parser.add_argument('--profile-rows', type=int, default=25)
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.warmup < 0:
        parser.error('--rounds must be >= 1 and --warmup >= 0')
    if args.clock == 'cpu' and args.device != 'cpu':
        parser.error('--clock cpu only makes sense with --device cpu')
    if set(args.profile) - set(STEPS):
        parser.error('--profile takes step letters among a, b, c, d')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    """Benchmark from the command line."""
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    register_all_modules(False)
    init_default_scope('mmpretrain')
    device = torch.device(args.device)
    medians = {}
    for setting in args.settings:
        steps = build_steps(setting, args, device)
        times = time_steps(steps, args.rounds, args.warmup, device, args.clock)
        medians[setting_label(setting, args)] = {
            name: statistics.median(values)
            for name, values in times.items()
        }
        if args.profile:
            profile_steps(steps, args.profile, args.profile_repeats,
                          args.profile_rows)
    print(f'\ndevice={device} torch={torch.__version__} '
          f'threads={torch.get_num_threads()} rounds={args.rounds} '
          f'warmup={args.warmup} algorithm={args.algorithm} '
          f'clock={args.clock} (median per-iteration time)')
    print(format_table(medians))


if __name__ == '__main__':
    main()
