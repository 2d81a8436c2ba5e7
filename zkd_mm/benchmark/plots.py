# Copyright (c) zkd_mm contributors. All rights reserved.
"""Figures of a benchmark: models with error bars, sweeps as heat maps."""
from typing import List, Sequence, Tuple

from .aggregate import Aggregate


ONE_KEY_COLUMN = 'top-1'


def _pyplot():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def plot_models(aggregates: Sequence[Aggregate], path: str,
                title: str = '') -> None:
    """Bar chart of last-epoch top-1, mean ± std over seeds."""
    plt = _pyplot()
    rows = [a for a in aggregates if not a.overrides and a.last]
    fig, ax = plt.subplots(figsize=(max(4, 0.8 * len(rows) + 2), 4))
    ax.bar(range(len(rows)), [a.last.mean for a in rows],
           yerr=[a.last.std or 0 for a in rows], capsize=4, color='#4c72b0')
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([a.model.split('_')[0] for a in rows], rotation=30,
                       ha='right')
    ax.set_ylabel('top-1 (%), last epoch')
    low = min(a.last.mean - (a.last.std or 0) for a in rows)
    ax.set_ylim(max(0, low - 5), 100)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _in_order(values) -> List[str]:
    """Sweep values sorted as numbers where they all are, else as text."""
    try:
        return sorted(values, key=float)
    except ValueError:
        return sorted(values)


def sweep_grid(aggregates: Sequence[Aggregate]
               ) -> Tuple[List[str], List[str], List[List]]:
    """Rows (first sweep key), columns (second) and the cell aggregates.

    A one-key sweep has one column, ``'top-1'``.

    Raises:
        ValueError: Unless every sweep point has the same one or two keys.
    """
    points = [a for a in aggregates if a.overrides]
    sizes = {len(a.overrides) for a in points}
    if len(sizes) != 1 or not sizes <= {1, 2}:
        raise ValueError('a sweep table needs a sweep over one or two '
                         'keys.')
    rows = _in_order({a.overrides[0][1] for a in points})
    cols = (_in_order({a.overrides[1][1] for a in points})
            if sizes == {2} else [ONE_KEY_COLUMN])
    cells = [[None] * len(cols) for _ in rows]
    for agg in points:
        col = cols.index(agg.overrides[1][1]) if sizes == {2} else 0
        cells[rows.index(agg.overrides[0][1])][col] = agg
    return rows, cols, cells


def _axis_names(aggregates: Sequence[Aggregate]) -> Tuple[str, str]:
    """The row and column labels: the keys' last components."""
    first = next(a for a in aggregates if a.overrides)
    names = [key.split('.')[-1] for key, _ in first.overrides]
    return names[0], names[1] if len(names) == 2 else ''


def sweep_table(aggregates: Sequence[Aggregate]) -> str:
    """Markdown table of a one- or two-key sweep, mean ± std per cell."""
    rows, cols, cells = sweep_grid(aggregates)
    row_key, col_key = _axis_names(aggregates)
    corner = f'{row_key} \\ {col_key}' if col_key else row_key
    lines = [f'| {corner} | ' + ' | '.join(cols) + ' |',
             '| --- |' + ' --- |' * len(cols)]
    for row, row_cells in zip(rows, cells):
        lines.append(f'| {row} | ' + ' | '.join(
            str(cell.last) if cell and cell.last else '–'
            for cell in row_cells) + ' |')
    return '\n'.join(lines)


def plot_sweep(aggregates: Sequence[Aggregate], path: str,
               title: str = '') -> None:
    """Heat map of a one- or two-key sweep (mean top-1 per cell)."""
    plt = _pyplot()
    rows, cols, cells = sweep_grid(aggregates)
    row_key, col_key = _axis_names(aggregates)
    values = [[cell.last.mean if cell and cell.last else float('nan')
               for cell in row] for row in cells]
    fig, ax = plt.subplots(figsize=(1.2 * len(cols) + 2,
                                    0.8 * len(rows) + 1.5))
    image = ax.imshow(values, cmap='viridis', aspect='auto')
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            ax.text(j, i, f'{value:.1f}', ha='center', va='center',
                    color='white' if value < max(map(max, values)) - 2
                    else 'black')
    ax.set_xticks(range(len(cols)), labels=cols)
    ax.set_yticks(range(len(rows)), labels=rows)
    ax.set_xlabel(col_key)
    ax.set_ylabel(row_key)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label='top-1 (%)')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
