# Copyright (c) zkd_mm contributors. All rights reserved.
"""Train a distillation algorithm (or any mmengine model) from a config."""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)
# mmengine announces a renamed config with a DeprecationWarning, which Python
# hides outside __main__: show it, it names the config to use instead.
warnings.filterwarnings(
    'default', message='The config file .* will be deprecated',
    category=DeprecationWarning)

import argparse
import logging
import os
import os.path as osp
import sys
from typing import List, Optional

# zkd_mm first: its compat layer must be in place before mmrazor imports.
import zkd_mm  # noqa: F401 isort: skip
from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.registry import RUNNERS
from mmengine.runner import Runner
from mmrazor.utils import register_all_modules

from zkd_mm.compat.mmcls_alias import alias_config
from zkd_mm.engine import TrainingPreempted
from zkd_mm.engine.run_safety import prepare_train
from zkd_mm.engine.distributed import finish_distributed, setup_distributed
from zkd_mm.models.distillers import describe_distill_losses
from zkd_mm.utils import add_cfg_options_arguments, apply_cfg_options


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint; without a path, resume from the '
        'latest checkpoint in the work directory')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic-mixed-precision training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the actual total batch size over '
        'the config\'s auto_scale_lr.base_batch_size')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate the checkpoints during training')
    add_cfg_options_arguments(parser)
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # torch>=2.0 `torch.distributed.launch` passes `--local-rank`.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


# Top-level keys the Runner reads although configs often leave them out:
# setting one (and anything below it) is not a typo.
def _enable_amp(cfg: Config) -> None:
    """Switch the optimizer wrapper to ``AmpOptimWrapper``."""
    optim_wrapper = cfg.optim_wrapper
    if optim_wrapper.get('type') == 'AmpOptimWrapper':
        print_log(
            'AMP training is already enabled in your config.',
            logger='current',
            level=logging.WARNING)
        return
    optim_wrapper.type = 'AmpOptimWrapper'
    optim_wrapper.setdefault('loss_scale', 'dynamic')


def _enable_auto_scale_lr(cfg: Config) -> None:
    """Turn on ``auto_scale_lr``, which the config must define."""
    auto_scale_lr = cfg.get('auto_scale_lr')
    if not auto_scale_lr or 'base_batch_size' not in auto_scale_lr:
        sys.exit('error: --auto-scale-lr needs `auto_scale_lr = dict('
                 'base_batch_size=N)` in the config (N: the total batch '
                 'size the learning rate was tuned for), which '
                 f'{osp.basename(cfg.filename or "the config")} lacks.')
    auto_scale_lr.enable = True


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply ``--cfg-options``, then the other command-line arguments."""
    alias_config(cfg)
    apply_cfg_options(cfg, args)
    cfg.launcher = args.launcher
    # work_dir priority: CLI > config > ./work_dirs/<config stem>
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    if args.amp:
        _enable_amp(cfg)
    if args.auto_scale_lr:
        _enable_auto_scale_lr(cfg)
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    return cfg


def train(cfg: Config) -> None:
    """Build the Runner from ``cfg`` and train; the Runner ends here."""
    if 'runner_type' in cfg:
        runner = RUNNERS.build(cfg)
    else:
        runner = Runner.from_cfg(cfg)
    for line in describe_distill_losses(runner.model):
        runner.logger.info(line)
    runner.train()


def main(argv: Optional[List[str]] = None) -> None:
    """Train from the command line."""
    args = parse_args(argv)
    register_all_modules(False)
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    setup_distributed(cfg, cfg.launcher)
    prepare_train(cfg)
    try:
        train(cfg)
    except TrainingPreempted as stop:
        # Every rank stopped at the same iteration, after the save.
        finish_distributed()
        raise SystemExit(stop.code) from None
    # After train() returned, so that nothing here still holds the Runner.
    finish_distributed()


if __name__ == '__main__':
    main()
