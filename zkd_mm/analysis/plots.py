# Copyright (c) zkd_mm contributors. All rights reserved.
"""Paper-style figures of teacher and student logits, written as PNG.

The figures are drawn on ``matplotlib.figure.Figure`` objects with the Agg
canvas, without ``pyplot``: nothing here changes matplotlib's global
backend, and no window is ever opened.
"""
from pathlib import Path
from typing import Optional, Union

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from zkd_mm.models.functional import zscore
from zkd_mm.models.functional.zscore import DEFAULT_EPS
from .logit_stats import per_sample_mean_std

PathLike = Union[str, Path]
TEACHER_COLOR = 'tab:blue'
STUDENT_COLOR = 'tab:orange'


def _save(fig: Figure, path: PathLike, dpi: int) -> str:
    FigureCanvasAgg(fig)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(str(path), dpi=dpi)
    return str(path)


def plot_logit_std_hist(teacher_logits: torch.Tensor,
                        student_logits: torch.Tensor,
                        path: PathLike,
                        bins: int = 50,
                        title: Optional[str] = None,
                        dpi: int = 120) -> str:
    """Histograms of the per-sample logit std of teacher and student.

    With a shared temperature, KD pushes the student's logit std towards
    the teacher's (Eq. 12 of the paper); with the Z-score it is free.

    Args:
        teacher_logits (torch.Tensor): Teacher logits, shape (N, C).
        student_logits (torch.Tensor): Student logits, shape (N, C).
        path (str | Path): The PNG file to write.
        bins (int): Number of bins, shared by both histograms.
            Defaults to 50.
        title (str, optional): Figure title.
        dpi (int): Resolution. Defaults to 120.

    Returns:
        str: ``path``.
    """
    std_T = per_sample_mean_std(teacher_logits)[1].cpu().numpy()
    std_S = per_sample_mean_std(student_logits)[1].cpu().numpy()
    both = np.concatenate([std_T, std_S])
    edges = np.histogram_bin_edges(both, bins=bins)
    fig = Figure(figsize=(5.5, 4), layout='constrained')
    ax = fig.add_subplot()
    for values, name, color in ((std_T, 'teacher', TEACHER_COLOR),
                                (std_S, 'student', STUDENT_COLOR)):
        ax.hist(
            values,
            bins=edges,
            alpha=0.55,
            color=color,
            label=f'{name} (mean {values.mean():.3g})')
        ax.axvline(values.mean(), color=color, linestyle='--', linewidth=1)
    ax.set_xlabel('standard deviation of a sample\'s logits')
    ax.set_ylabel('number of samples')
    ax.set_title(title or 'Per-sample logit standard deviation')
    ax.legend()
    return _save(fig, path, dpi)


def _subsample(teacher: torch.Tensor, student: torch.Tensor, max_points: int,
               seed: int):
    teacher, student = teacher.flatten(), student.flatten()
    if teacher.numel() > max_points:
        generator = torch.Generator().manual_seed(seed)
        index = torch.randperm(teacher.numel(), generator=generator)
        index = index[:max_points]
        teacher, student = teacher[index], student[index]
    return teacher.numpy(), student.numpy()


def plot_logit_hist2d(teacher_logits: torch.Tensor,
                      student_logits: torch.Tensor,
                      path: PathLike,
                      eps: float = DEFAULT_EPS,
                      bins: int = 100,
                      max_points: int = 2_000_000,
                      seed: int = 0,
                      title: Optional[str] = None,
                      dpi: int = 120) -> str:
    """Bivariate histograms of teacher vs student logits.

    Two panels: raw logits, and logits Z-scored per sample. Every (sample,
    class) pair is one point, teacher logit on x, student logit on y; a
    dashed line marks ``y = x``. A student that matches the teacher only
    up to each sample's offset and scale spreads around the line in the
    raw panel and lies on it in the standardized one.

    Args:
        teacher_logits (torch.Tensor): Teacher logits, shape (N, C).
        student_logits (torch.Tensor): Student logits, shape (N, C).
        path (str | Path): The PNG file to write.
        eps (float): The Z-score's eps. Defaults to 1e-7.
        bins (int): Bins per axis. Defaults to 100.
        max_points (int): At most this many (sample, class) pairs, drawn
            at random, are plotted. Defaults to 2,000,000.
        seed (int): Seed of that draw. Defaults to 0.
        title (str, optional): Figure title.
        dpi (int): Resolution. Defaults to 120.

    Returns:
        str: ``path``.
    """
    teacher = teacher_logits.detach().double().cpu()
    student = student_logits.detach().double().cpu()
    panels = (('raw logits', teacher, student),
              ('standardized logits (Z-score)', zscore(teacher, 1, eps),
               zscore(student, 1, eps)))
    fig = Figure(figsize=(11, 4.8), layout='constrained')
    for index, (name, x, y) in enumerate(panels):
        ax = fig.add_subplot(1, 2, index + 1)
        x, y = _subsample(x, y, max_points, seed)
        low = min(x.min(), y.min())
        high = max(x.max(), y.max())
        if high <= low:
            low, high = low - 0.5, high + 0.5
        edges = np.linspace(low, high, bins + 1)
        *_, image = ax.hist2d(
            x, y, bins=[edges, edges], norm=LogNorm(), cmap='viridis')
        fig.colorbar(image, ax=ax, label='count')
        ax.plot([low, high], [low, high], '--', color='0.3', linewidth=1)
        corr = np.corrcoef(x, y)[0, 1] if x.std() and y.std() else np.nan
        ax.set_title(f'{name}\nPearson r = {corr:.3f}')
        ax.set_xlabel('teacher logit')
        ax.set_ylabel('student logit')
        ax.set_aspect('equal')
    if title:
        fig.suptitle(title)
    return _save(fig, path, dpi)
