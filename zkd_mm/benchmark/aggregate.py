# Copyright (c) zkd_mm contributors. All rights reserved.
"""Mean and sample std over seeds, per model (and sweep point)."""
import math
import statistics
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from .results import RunResult


@dataclass
class Stat:
    """Mean, sample std (None for one value) and n of some values."""

    mean: float
    std: Optional[float]
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Optional['Stat']:
        values = [v for v in values if v is not None]
        if not values:
            return None
        std = statistics.stdev(values) if len(values) > 1 else None
        return cls(statistics.fmean(values), std, len(values))

    def __str__(self) -> str:
        if self.std is None:
            return f'{self.mean:.2f} (n=1)'
        return f'{self.mean:.2f} ± {self.std:.2f}'


@dataclass
class Aggregate:
    """One model (at one sweep point) over its seeds."""

    model: str
    overrides: Tuple[Tuple[str, str], ...]
    seeds: List[int]
    last: Optional[Stat]
    best: Optional[Stat]
    val_last: Optional[Stat]
    teacher: Optional[Stat]
    best_epochs: List[Optional[int]] = field(default_factory=list)
    epochs: int = 0
    total_batch: Optional[int] = None
    wall_seconds: Optional[Stat] = None
    tested: bool = False
    runs: List[RunResult] = field(default_factory=list)


def aggregate_runs(runs: Sequence[RunResult]) -> List[Aggregate]:
    """Group runs by model and sweep point; aggregate each group."""
    groups: Dict[Tuple, List[RunResult]] = {}
    for run in runs:
        key = (run.model, tuple(sorted(run.overrides.items())))
        groups.setdefault(key, []).append(run)
    aggregates = []
    for (model, overrides), group in sorted(groups.items()):
        group = sorted(group, key=lambda run: run.seed)
        epochs = {run.epochs for run in group}
        if len(epochs) > 1:
            raise ValueError(f'{model}: the seeds ran different numbers of '
                             f'epochs {sorted(epochs)}; rerun them alike.')
        aggregates.append(
            Aggregate(
                model=model,
                overrides=overrides,
                seeds=[run.seed for run in group],
                last=Stat.of([run.last for run in group]),
                best=Stat.of([run.best for run in group]),
                val_last=Stat.of([run.val_last for run in group]),
                teacher=Stat.of([run.teacher_val_last for run in group]),
                best_epochs=[run.best_epoch for run in group],
                epochs=epochs.pop(),
                total_batch=group[0].total_batch,
                wall_seconds=Stat.of([run.wall_seconds for run in group]),
                tested=all(run.test_last is not None for run in group),
                runs=group))
    return aggregates


def moved_by(new: Stat, stored_mean: float, stored_std: Optional[float],
             tolerance: float, floor: float = 0.1) -> Optional[float]:
    """How many stds ``new.mean`` moved from the stored mean, if more than
    ``tolerance`` (std floored at ``floor`` points); else None."""
    std = max(stored_std or 0.0, floor)
    moved = abs(new.mean - stored_mean) / std
    return moved if moved > tolerance and math.isfinite(moved) else None
