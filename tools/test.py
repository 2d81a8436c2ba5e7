# Copyright (c) zkd_mm contributors. All rights reserved.
"""Test (and evaluate) a checkpoint with the config's test loop."""
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
import os
import os.path as osp
from typing import List, Optional

# zkd_mm first: its compat layer must be in place before mmrazor imports.
import zkd_mm  # noqa: F401 isort: skip
from mmengine.config import Config
from mmengine.evaluator import DumpResults
from mmengine.registry import RUNNERS
from mmengine.runner import Runner
from mmrazor.utils import register_all_modules

from zkd_mm.compat.mmcls_alias import alias_config
from zkd_mm.engine.run_safety import prepare_test
from zkd_mm.engine.distributed import finish_distributed, setup_distributed
from zkd_mm.models.distillers import describe_distill_losses
from zkd_mm.utils import add_cfg_options_arguments, apply_cfg_options


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(description='Test a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint',
        help='checkpoint file; "none" tests the weights the model is built '
        'with')
    parser.add_argument(
        '--work-dir',
        help='the directory to save the file containing evaluation metrics')
    parser.add_argument(
        '--out', help='dump the predictions to this pickle file (.pkl)')
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
    cfg.load_from = None if args.checkpoint == 'none' else args.checkpoint
    return cfg


def run_test(cfg: Config, out: Optional[str] = None) -> None:
    """Build the Runner from ``cfg`` and test; the Runner ends here.

    Args:
        cfg (Config): The merged config.
        out (str, optional): A ``.pkl`` file to dump the predictions to.
    """
    if 'runner_type' in cfg:
        runner = RUNNERS.build(cfg)
    else:
        runner = Runner.from_cfg(cfg)
    for line in describe_distill_losses(runner.model):
        runner.logger.info(line)
    if out is not None:
        runner.test_evaluator.metrics.append(DumpResults(out_file_path=out))
    runner.test()


def main(argv: Optional[List[str]] = None) -> None:
    """Test from the command line."""
    args = parse_args(argv)
    if args.out is not None and not args.out.endswith(('.pkl', '.pickle')):
        raise SystemExit('error: --out must be a .pkl or .pickle file, got '
                         f'{args.out!r}.')
    register_all_modules(False)
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    setup_distributed(cfg, cfg.launcher)
    prepare_test(cfg)
    run_test(cfg, args.out)
    # After run_test() returned, so that nothing here still holds the Runner.
    finish_distributed()


if __name__ == '__main__':
    main()
