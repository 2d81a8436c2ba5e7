# Copyright (c) zkd_mm contributors. All rights reserved.
"""Compare a distilled student's logits with its teacher's on the val set.

Builds the distillation model of CONFIG (the teacher's weights come from
the config's ``teacher_ckpt``), loads the student from CHECKPOINT, runs
both in eval mode over ``val_dataloader`` and writes to ``--out-dir``:

- ``logit_stats.json``: per-sample logit mean and std of both models, the
  shared-temperature KD KL and the Z-score KL at ``--tau``, top-1 agreement
  and accuracies (see :func:`zkd_mm.analysis.logit_statistics`);
- ``logit_std_hist.png``: histograms of the per-sample logit std;
- ``logit_hist2d.png``: teacher vs student logits, raw and standardized.

CHECKPOINT is either a distillation checkpoint (student under
``architecture.``, as ``tools/train.py`` saves it) or a student-only one (as
``tools/model_converters/convert_kd_ckpt_to_student.py`` writes it).

Example:
    python tools/analysis_tools/analyze_logits.py \\
        configs/imagenet/kd-zscore_resnet34_resnet18_8xb64_in1k.py work_dirs/kd/epoch_100.pth \\
        --out-dir work_dirs/kd/logit_analysis --max-samples 10000
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
import json
import logging
import os.path as osp
from typing import Dict, List, Optional, Tuple

# zkd_mm first: its compat layer must be in place before mmrazor imports.
import zkd_mm  # noqa: F401 isort: skip
import torch
from mmengine.config import Config, DictAction
from mmengine.logging import print_log
from mmengine.registry import MODELS, init_default_scope
from mmengine.runner import CheckpointLoader, Runner
from mmrazor.utils import register_all_modules

from zkd_mm.analysis import (format_logit_statistics, logit_statistics,
                             plot_logit_hist2d, plot_logit_std_hist)

STUDENT_PREFIX = 'architecture.'
TEACHER_PREFIX = 'teacher.'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(
        description='Compare student and teacher logits on the val set')
    parser.add_argument('config', help='distillation config file')
    parser.add_argument(
        'checkpoint',
        help='student checkpoint: a distillation checkpoint or a '
        'student-only one')
    parser.add_argument(
        '--out-dir',
        help='where to write logit_stats.json and the figures; defaults to '
        './work_dirs/<config stem>/logit_analysis')
    parser.add_argument(
        '--max-samples',
        type=int,
        help='use only the first N samples of the val set')
    parser.add_argument(
        '--tau',
        type=float,
        default=2.0,
        help='temperature of both KL divergences (default: 2.0)')
    parser.add_argument(
        '--device',
        default='cuda' if torch.cuda.is_available() else 'cpu',
        help='device to run the models on (default: cuda if available)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs with '
        'dotted keys (list items by index: a.b.0.c=1)')
    args = parser.parse_args(argv)
    if args.max_samples is not None and args.max_samples < 1:
        parser.error('--max-samples must be >= 1')
    if args.tau <= 0:
        parser.error('--tau must be > 0')
    return args


def split_checkpoint(
    state_dict: Dict[str, torch.Tensor]
) -> Tuple[str, Dict[str, torch.Tensor], Optional[Dict[str, torch.Tensor]]]:
    """Find the student (and teacher) weights in a checkpoint's state dict.

    A distillation checkpoint is recognized by its ``architecture.`` keys;
    anything else is taken for a student-only checkpoint. A ``module.``
    prefix (DDP) is dropped first.

    Args:
        state_dict (dict[str, torch.Tensor]): The checkpoint's state dict.

    Returns:
        tuple: The kind (``'distillation'`` or ``'student'``), the
        student's state dict (prefix stripped), and the teacher's (prefix
        stripped; None if there are no ``teacher.`` keys).
    """
    state_dict = {
        key[len('module.'):] if key.startswith('module.') else key: value
        for key, value in state_dict.items()
    }

    def under(prefix):
        return {
            key[len(prefix):]: value
            for key, value in state_dict.items() if key.startswith(prefix)
        }

    student = under(STUDENT_PREFIX)
    if not student:
        return 'student', state_dict, None
    return 'distillation', student, under(TEACHER_PREFIX) or None


def build_model(cfg: Config) -> torch.nn.Module:
    """Build the config's distillation model, teacher weights loaded."""
    model = MODELS.build(cfg.model)
    if not all(hasattr(model, name) for name in ('student', 'teacher')):
        raise SystemExit(
            f'error: the model of {cfg.filename} is a '
            f'{type(model).__name__}, not a distillation algorithm with a '
            'student and a teacher (e.g. SingleTeacherDistill).')
    if not cfg.model.get('teacher_ckpt'):
        print_log(
            'The config has no model.teacher_ckpt: the teacher is random.',
            logger='current',
            level=logging.WARNING)
    return model


def load_student(model: torch.nn.Module, filename: str) -> str:
    """Load ``filename`` into ``model.student``; return the checkpoint kind.

    Loading is strict. The teacher weights of a distillation checkpoint
    are not loaded; a warning says when they differ from the teacher built
    from the config.
    """
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location='cpu')
    state_dict = checkpoint.get('state_dict', checkpoint)
    kind, student, teacher = split_checkpoint(state_dict)
    try:
        model.student.load_state_dict(student, strict=True)
    except RuntimeError as error:
        raise SystemExit(
            f'error: {filename} ({kind} checkpoint) does not fit the '
            f'student of the config:\n{error}')
    if teacher is not None:
        built = model.teacher.state_dict()
        differs = [
            key for key, value in teacher.items()
            if key in built and not torch.equal(value, built[key].cpu())
        ]
        if differs:
            print_log(
                f'{len(differs)} teacher tensors of {filename} differ from '
                'the teacher_ckpt of the config (e.g. '
                f'{differs[0]}); the analysis uses the config\'s teacher.',
                logger='current',
                level=logging.WARNING)
    return kind


def _logits(output) -> torch.Tensor:
    if isinstance(output, (tuple, list)):
        output = output[-1]
    if output.dim() != 2:
        raise SystemExit(
            'error: the model\'s tensor-mode output has shape '
            f'{tuple(output.shape)}; expected logits of shape (N, C).')
    return output


@torch.no_grad()
def collect_logits(
    model: torch.nn.Module,
    dataloader,
    max_samples: Optional[int] = None
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Run student and teacher over ``dataloader`` in eval mode.

    Both see the same inputs, preprocessed by the algorithm's data
    preprocessor, as in ``SingleTeacherDistillValLoop``.

    Returns:
        tuple[torch.Tensor, torch.Tensor, torch.Tensor]: Student logits,
        teacher logits (both (N, C), float32, on the CPU) and labels (N,).
    """
    model.eval()
    students, teachers, labels = [], [], []
    seen = 0
    for data in dataloader:
        data = model.data_preprocessor(data, False)
        inputs, samples = data['inputs'], data['data_samples']
        students.append(
            _logits(model.student(inputs, samples, mode='tensor')).float())
        teachers.append(
            _logits(model.teacher(inputs, samples, mode='tensor')).float())
        for sample in samples:
            if sample.gt_label.numel() != 1:
                raise SystemExit('error: only single-label data is '
                                 'supported; a sample has gt_label '
                                 f'{sample.gt_label.tolist()}.')
        labels.append(torch.cat([sample.gt_label for sample in samples]))
        seen += len(samples)
        if max_samples is not None and seen >= max_samples:
            break
    if not students:
        raise SystemExit('error: the val dataloader yielded no data.')
    stop = max_samples or seen
    return (torch.cat(students)[:stop].cpu(), torch.cat(teachers)[:stop].cpu(),
            torch.cat(labels)[:stop].long().cpu())


def main(argv: Optional[List[str]] = None) -> None:
    """Analyze from the command line."""
    args = parse_args(argv)
    register_all_modules(False)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    stem = osp.splitext(osp.basename(args.config))[0]
    out_dir = args.out_dir or osp.join('./work_dirs', stem, 'logit_analysis')

    model = build_model(cfg)
    kind = load_student(model, args.checkpoint)
    model.to(args.device)
    dataloader = Runner.build_dataloader(cfg.val_dataloader)
    student, teacher, labels = collect_logits(model, dataloader,
                                              args.max_samples)

    stats = logit_statistics(student, teacher, labels, tau=args.tau)
    title = f'{stem}: {labels.numel()} val samples'
    figures = dict(
        logit_std_hist=plot_logit_std_hist(
            teacher,
            student,
            osp.join(out_dir, 'logit_std_hist.png'),
            title=title),
        logit_hist2d=plot_logit_hist2d(
            teacher,
            student,
            osp.join(out_dir, 'logit_hist2d.png'),
            title=title))
    summary = dict(
        config=args.config,
        checkpoint=args.checkpoint,
        checkpoint_kind=kind,
        teacher_ckpt=cfg.model.get('teacher_ckpt'),
        **stats,
        figures=figures)
    json_path = osp.join(out_dir, 'logit_stats.json')
    with open(json_path, 'w') as file:
        json.dump(summary, file, indent=2)

    print(f'\nStudent ({kind} checkpoint {args.checkpoint}) vs teacher '
          f'({summary["teacher_ckpt"]}), tau={args.tau:g}:')
    print(format_logit_statistics(stats))
    print(f'\nSaved {json_path}, {figures["logit_std_hist"]} and '
          f'{figures["logit_hist2d"]}')


if __name__ == '__main__':
    main()
