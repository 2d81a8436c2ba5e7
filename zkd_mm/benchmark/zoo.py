# Copyright (c) zkd_mm contributors. All rights reserved.
"""Write aggregated runs into the zoo: metafiles, README tables, summaries.
"""
import csv
import json
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence

import yaml

from .aggregate import Aggregate, Stat, moved_by

TASK = 'Image Classification'
PAPER_KEY = 'Paper Top 1 Accuracy'
BEGIN = '<!-- benchmark:{} -->'
END = '<!-- benchmark:end -->'


def load_metafiles(model_index: str) -> Dict[str, Dict]:
    """metafile path -> its parsed content, for every import of the index."""
    root = osp.dirname(osp.abspath(model_index))
    with open(model_index) as file:
        imports = (yaml.safe_load(file) or {}).get('Import', [])
    metafiles = {}
    for relative in imports:
        path = osp.join(root, relative)
        with open(path) as file:
            metafiles[path] = yaml.safe_load(file)
    return metafiles


def dump_metafile(path: str, data: Dict) -> None:
    """Write a metafile the one way zkd_mm writes them."""
    from zkd_mm.fileio import atomic_write
    atomic_write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                width=1000), path)


def _round(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(float(value), 2)


def results_entry(agg: Aggregate, dataset: str) -> Dict:
    """The ``Results`` of a model in OpenMMLab's metafile format.

    ``Top 1 Accuracy`` is the mean over seeds at the last epoch (on the test
    split when the runs were tested); std, n, seeds and the best-epoch mean
    stand beside it.
    """
    metrics = {'Top 1 Accuracy': _round(agg.last.mean)}
    if agg.last.std is not None:
        metrics['Top 1 Accuracy Std'] = _round(agg.last.std)
    if agg.best is not None:
        metrics['Top 1 Accuracy Best Epoch'] = _round(agg.best.mean)
    metrics['Runs'] = agg.last.n
    metrics['Seeds'] = ','.join(str(seed) for seed in agg.seeds)
    metrics['Split'] = ('test; best epoch chosen on the validation split'
                        if agg.tested else 'validation')
    return {'Task': TASK, 'Dataset': dataset, 'Metrics': metrics}


def update_metafiles(metafiles: Dict[str, Dict],
                     aggregates: Sequence[Aggregate],
                     weights: Optional[Dict[str, str]] = None) -> List[str]:
    """Set ``Results`` (and ``Weights``) of every model that has runs.

    Sweep points are not zoo entries and are ignored here.

    Returns:
        list[str]: The metafiles that changed.
    """
    by_model = {a.model: a for a in aggregates if not a.overrides}
    changed = []
    for path, data in metafiles.items():
        before = json.dumps(data, sort_keys=True)
        for model in data.get('Models', []):
            agg = by_model.get(model['Name'])
            if agg is None or agg.last is None:
                continue
            dataset = model.get('Metadata', {}).get('Training Data', '')
            model['Results'] = [results_entry(agg, dataset)]
            if weights and model['Name'] in weights:
                model['Weights'] = weights[model['Name']]
        if json.dumps(data, sort_keys=True) != before:
            changed.append(path)
    return changed


def _cell(stat: Optional[Stat]) -> str:
    return '–' if stat is None else str(stat)


def render_table(models: Sequence[Dict], aggregates: Sequence[Aggregate],
                 command: str) -> str:
    """A markdown table of the models of one metafile, ours beside the
    paper's; '–' where nothing was run."""
    by_model = {a.model: a for a in aggregates if not a.overrides}
    lines = [
        '| model | method | paper top-1 (not ours) | top-1, last epoch '
        '(mean ± std) | top-1, best epoch | seeds |',
        '| --- | --- | --- | --- | --- | --- |'
    ]
    for model in models:
        agg = by_model.get(model['Name'])
        paper = model.get('Metadata', {}).get(PAPER_KEY)
        method = model.get('Metadata', {}).get('Method', '')
        config = model['Config']
        lines.append(
            f'| [{model["Name"]}](/{config}) | {method} | '
            f'{"–" if paper is None else paper} | '
            f'{_cell(agg.last if agg else None)} | '
            f'{_cell(agg.best if agg else None)} | '
            f'{",".join(map(str, agg.seeds)) if agg else "–"} |')
    lines += ['', f'Produced by `{command}`.']
    return '\n'.join(lines)


def replace_block(text: str, name: str, content: str) -> str:
    """Replace what stands between ``<!-- benchmark:NAME -->`` and
    ``<!-- benchmark:end -->``.

    Raises:
        KeyError: If the markers are missing.
    """
    pattern = re.compile(
        re.escape(BEGIN.format(name)) + r'\n.*?' + re.escape(END), re.S)
    if not pattern.search(text):
        raise KeyError(f'no {BEGIN.format(name)} ... {END} block')
    return pattern.sub(
        lambda _: f'{BEGIN.format(name)}\n{content}\n{END}', text, count=1)


def write_summary(aggregates: Sequence[Aggregate], csv_path: str,
                  json_path: str) -> None:
    """Per-run and per-model numbers as CSV (runs) and JSON (both)."""
    fields = ['model', 'point', 'seed', 'epochs', 'total_batch', 'val_last',
              'val_best', 'best_epoch', 'test_last', 'test_best',
              'teacher_val_last', 'wall_seconds', 'work_dir']
    rows, models = [], []
    for agg in aggregates:
        point = ','.join(f'{k}={v}' for k, v in agg.overrides)
        for run in agg.runs:
            row = {name: getattr(run, name, None) for name in fields}
            row.update(point=point)
            rows.append(row)
        models.append(
            dict(model=agg.model, point=point, seeds=agg.seeds,
                 epochs=agg.epochs, total_batch=agg.total_batch,
                 last=vars(agg.last) if agg.last else None,
                 best=vars(agg.best) if agg.best else None,
                 best_epochs=agg.best_epochs, tested=agg.tested,
                 commands=agg.runs[0].commands))
    with open(csv_path, 'w', newline='') as file:
        writer = csv.DictWriter(file, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    with open(json_path, 'w') as file:
        json.dump(dict(models=models, runs=rows), file, indent=2)
        file.write('\n')


def check(metafiles: Dict[str, Dict], aggregates: Sequence[Aggregate],
          tolerance: float) -> List[str]:
    """Models whose new mean moved more than ``tolerance`` stored stds.

    Returns:
        list[str]: One line per moved model (empty: all within).
    """
    stored = {}
    for data in metafiles.values():
        for model in data.get('Models', []):
            for result in model.get('Results', []):
                metrics = result.get('Metrics', {})
                if 'Top 1 Accuracy' in metrics:
                    stored[model['Name']] = metrics
    problems = []
    for agg in aggregates:
        metrics = stored.get(agg.model)
        if agg.overrides or metrics is None or agg.last is None:
            continue
        moved = moved_by(agg.last, metrics['Top 1 Accuracy'],
                         metrics.get('Top 1 Accuracy Std'), tolerance)
        if moved is not None:
            problems.append(
                f'{agg.model}: {agg.last} vs stored '
                f'{metrics["Top 1 Accuracy"]} ± '
                f'{metrics.get("Top 1 Accuracy Std", "?")}: moved '
                f'{moved:.1f} stds (tolerance {tolerance})')
    return problems
