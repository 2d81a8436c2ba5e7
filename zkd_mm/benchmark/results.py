# Copyright (c) zkd_mm contributors. All rights reserved.
"""Read one benchmark run's work dir into numbers."""
import glob
import json
import os.path as osp
from dataclasses import dataclass, field, fields
from typing import Dict, List, Optional

from .launch import read_state

TOP1, TOP5 = 'accuracy/top1', 'accuracy/top5'
TEACHER_TOP1 = 'teacher.accuracy/top1'


@dataclass
class RunResult:
    """The numbers of one finished run.

    ``val_*`` come from the validation during training (every epoch),
    ``test_*`` from ``tools/test.py`` on the last checkpoint and on the
    checkpoint with the best validation top-1; ``None`` where not run.
    """

    model: str
    seed: int
    work_dir: str
    overrides: Dict[str, str] = field(default_factory=dict)
    epochs: int = 0
    total_batch: Optional[int] = None
    world_size: int = 1
    wall_seconds: Optional[float] = None
    val_last: Optional[float] = None
    val_best: Optional[float] = None
    best_epoch: Optional[int] = None
    val_top5_last: Optional[float] = None
    teacher_val_last: Optional[float] = None
    test_last: Optional[float] = None
    test_best: Optional[float] = None
    test_top5_last: Optional[float] = None
    commands: Dict[str, List[str]] = field(default_factory=dict)

    @property
    def last(self) -> Optional[float]:
        """The headline: test top-1 of the last epoch, else validation."""
        return self.test_last if self.test_last is not None else self.val_last

    @property
    def best(self) -> Optional[float]:
        """Top-1 of the best-validation epoch (test if tested)."""
        return self.test_best if self.test_best is not None else self.val_best


def _json_lines(path: str) -> List[Dict]:
    records = []
    with open(path) as file:
        for line in file:
            line = line.strip()
            if line:
                records.append(json.loads(line))
    return records


def _validation_by_epoch(work_dir: str) -> Dict[int, Dict]:
    """Every epoch's validation record, the latest attempt's winning.

    Each start of a run (the first and every resume) writes its own
    ``<timestamp>/vis_data/scalars.json``.
    """
    by_epoch: Dict[int, Dict] = {}
    for path in sorted(glob.glob(
            osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        for record in _json_lines(path):
            if TOP1 in record and 'step' in record and 'lr' not in record:
                by_epoch[int(record['step'])] = record
    return by_epoch


def _test_metrics(test_dir: str) -> Dict:
    """The metrics ``tools/test.py`` wrote in ``test_dir``, or ``{}``."""
    paths = sorted(glob.glob(osp.join(test_dir, '*', '*.json')))
    return json.load(open(paths[-1])) if paths else {}


def _config_facts(work_dir: str) -> Dict:
    """max_epochs and the per-process batch from the dumped config."""
    from mmengine.config import Config
    dumps = sorted(glob.glob(osp.join(work_dir, '*.py')), key=osp.getmtime)
    if not dumps:
        return {}
    cfg = Config.fromfile(dumps[-1])
    return dict(
        epochs=(cfg.get('train_cfg') or {}).get('max_epochs'),
        batch=(cfg.get('train_dataloader') or {}).get('batch_size'))


def read_run(work_dir: str) -> Optional[RunResult]:
    """The numbers of the finished run in ``work_dir``, or None.

    Args:
        work_dir (str): A run's work dir (with ``benchmark.json``).

    Returns:
        RunResult | None: None unless the run finished (status ``done``).
    """
    state = read_state(work_dir)
    if state.get('status') != 'done':
        return None
    validation = _validation_by_epoch(work_dir)
    facts = _config_facts(work_dir)
    world_size = int(state.get('world_size', 1))
    result = RunResult(
        model=state['model'],
        seed=int(state['seed']),
        work_dir=work_dir,
        overrides=dict(state.get('overrides', {})),
        world_size=world_size,
        wall_seconds=state.get('wall_seconds'),
        commands=state.get('commands', {}),
        epochs=int(facts.get('epochs') or max(validation, default=0)),
        total_batch=(facts['batch'] * world_size
                     if facts.get('batch') else None))
    if validation:
        last = validation[max(validation)]
        best_epoch = max(validation,
                         key=lambda epoch: (validation[epoch][TOP1], -epoch))
        result.val_last = last[TOP1]
        result.val_top5_last = last.get(TOP5)
        result.teacher_val_last = last.get(TEACHER_TOP1)
        result.val_best = validation[best_epoch][TOP1]
        result.best_epoch = best_epoch
    last_test = _test_metrics(osp.join(work_dir, 'test_last'))
    best_test = (last_test if state.get('best_is_last') else _test_metrics(
        osp.join(work_dir, 'test_best')))
    result.test_last = last_test.get(TOP1)
    result.test_top5_last = last_test.get(TOP5)
    result.test_best = best_test.get(TOP1)
    return result


def find_runs(work_root: str) -> List[RunResult]:
    """Every finished run under ``work_root`` (any depth)."""
    runs = []
    for state in sorted(glob.glob(
            osp.join(work_root, '**', 'benchmark.json'), recursive=True)):
        result = read_run(osp.dirname(state))
        if result is not None:
            runs.append(result)
    return runs


def runs_from_summary(path: str) -> List[RunResult]:
    """The zoo runs (no sweep point) that an earlier gather wrote.

    Args:
        path (str): A ``summary.json`` written by ``gather.py --out``.

    Returns:
        list[RunResult]: One per run row with an empty sweep point, with
        the commands of its model entry.
    """
    with open(path) as file:
        summary = json.load(file)
    commands = {
        entry['model']: entry.get('commands', {})
        for entry in summary.get('models', []) if not entry.get('point')
    }
    names = {f.name for f in fields(RunResult)}
    runs = []
    for row in summary.get('runs', []):
        if row.get('point'):
            continue
        values = {k: v for k, v in row.items() if k in names}
        runs.append(RunResult(**values,
                              commands=commands.get(row['model'], {})))
    return runs
