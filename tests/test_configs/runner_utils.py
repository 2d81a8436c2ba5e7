# Copyright (c) zkd_mm contributors. All rights reserved.
"""Train a config for one tiny epoch in this process, with mmengine's Runner.

Many configs are trained in one pytest process (a subprocess each would
spend seconds on imports), so every run gets its own experiment name, which
keeps mmengine's per-experiment logger, visualizer and message hub apart.
Test teachers are written as the README's commands make them.
"""
import uuid
from pathlib import Path
from typing import Dict, Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

import zkd_mm  # noqa: F401  isort: skip
from zkd_mm.models.converters import (  # isort: skip
    build_mdistiller_classifier, convert_mdistiller_checkpoint,
    zkd_to_mdistiller_key)

# Written into head.fc.bias of every test teacher, to prove it was loaded.
MARKER_BIAS = 0.125


class ValMetrics(Hook):
    """Keeps the metrics of every validation (student and teacher)."""

    priority = 'LOWEST'

    def __init__(self) -> None:
        self.metrics = []

    def after_val_epoch(self, runner,
                        metrics: Optional[Dict[str, float]] = None) -> None:
        self.metrics.append(dict(metrics or {}))


def shrink(cfg: Config, data_root: Path, work_dir: Path, teacher_ckpt: Path,
           batch_size: int = 2) -> Config:
    """Point ``cfg`` at tiny data and a test teacher for one epoch.

    The result does not format its text with yapf, which the Runner would
    otherwise do 3 times per run (~0.4 s each).
    """
    cfg = Config(
        cfg.to_dict(), filename=cfg.filename, format_python_code=False)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'{Path(cfg.filename).stem}-{uuid.uuid4().hex[:8]}'
    cfg.model.teacher_ckpt = str(teacher_ckpt)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.batch_size = batch_size
        loader.num_workers = 0
        loader.persistent_workers = False
        loader.dataset.data_root = str(data_root)
    cfg.train_cfg.max_epochs = 1
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger.interval = 1
    cfg.randomness = dict(seed=0)
    cfg.log_level = 'WARNING'
    return cfg


def train_one_epoch(cfg: Config) -> Tuple[Runner, ValMetrics]:
    """Build the Runner, train ``cfg`` and return it with its metrics."""
    runner = Runner.from_cfg(cfg)
    metrics = ValMetrics()
    runner.register_hook(metrics)
    runner.train()
    return runner, metrics


def write_mdistiller_teacher(arch: str, dst: Path) -> Path:
    """Save a random ``arch`` the way the README's commands make teachers.

    The classifier is saved in mdistiller's format (``{'model': ...,
    'epoch': 240}`` with mdistiller's keys), as ``cifar_teachers.tar``
    holds it, and converted with the converter's function.
    """
    torch.manual_seed(1234)
    model = build_mdistiller_classifier(arch)
    with torch.no_grad():
        model.head.fc.bias.fill_(MARKER_BIAS)
    mdistiller = {
        'model': {
            zkd_to_mdistiller_key(key, arch): value
            for key, value in model.state_dict().items()
        },
        'epoch': 240
    }
    dst.parent.mkdir(parents=True, exist_ok=True)
    torch.save(convert_mdistiller_checkpoint(mdistiller, arch), dst)
    return dst
