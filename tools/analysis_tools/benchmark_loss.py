# Copyright (c) zkd_mm contributors. All rights reserved.
"""Time and peak memory of ``ZScoreKLDivergence`` against baselines.

Runs forward + backward of three losses on the same logits, interleaved in
one process, and prints a markdown table with ratios side by side:

- ``KLDivergence``: MMRazor's plain KD loss (no standardization);
- ``naive``: the official implementation's Z-score KD written with eager
  torch ops (``(x - mean) / (1e-7 + std)``, then ``F.kl_div``);
- ``ZScoreKLDivergence``: zkd_mm's fused loss.

Peak memory is the largest amount of memory held at once during one forward
+ backward beyond what was held before it: from CUDA's allocator stats on a
GPU; on the CPU, glibc's heap level sampled after every tensor op.

Example:
    python tools/analysis_tools/benchmark_loss.py --repeats 30
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
import ctypes
import statistics
import time
from typing import Callable, Dict, List, Tuple

import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

import zkd_mm  # noqa: F401  (compat + registration)

from mmrazor.models.losses import KLDivergence  # isort: skip
from zkd_mm.models.losses import ZScoreKLDivergence

SHAPES = [(256, 100), (256, 1000), (64, 32000)]
TAU = 2.0


def naive_zscore_kd(preds_S: torch.Tensor,
                    preds_T: torch.Tensor) -> torch.Tensor:
    """The official code's Z-score KD, composed of eager ops."""
    def normalize(logits):
        mean = logits.mean(dim=-1, keepdim=True)
        std = logits.std(dim=-1, keepdim=True)
        return (logits - mean) / (1e-7 + std)

    log_q = F.log_softmax(normalize(preds_S) / TAU, dim=1)
    p = F.softmax(normalize(preds_T.detach()) / TAU, dim=1)
    return F.kl_div(log_q, p, reduction='none').sum(1).mean() * TAU**2


def candidates() -> Dict[str, Callable]:
    return {
        'KLDivergence': KLDivergence(tau=TAU),
        'naive': naive_zscore_kd,
        'ZScoreKLDivergence': ZScoreKLDivergence(tau=TAU),
    }


def _sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def step(loss_fn: Callable, student: torch.Tensor,
         teacher: torch.Tensor) -> None:
    """One forward + backward; the student gradient is dropped afterwards."""
    loss_fn(student, teacher).backward()
    student.grad = None


def time_once(loss_fn, student, teacher) -> float:
    _sync(student.device)
    start = time.perf_counter()
    step(loss_fn, student, teacher)
    _sync(student.device)
    return time.perf_counter() - start


class _MallocPeak(TorchDispatchMode):
    """Samples glibc's live heap bytes after every dispatched tensor op."""

    def __init__(self) -> None:
        super().__init__()
        self.base = _live_heap_bytes()
        self.peak = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        self.peak = max(self.peak, _live_heap_bytes() - self.base)
        return out


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        'arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks',
        'fsmblks', 'uordblks', 'fordblks', 'keepcost')]


def _live_heap_bytes() -> int:
    """Bytes in use by malloc (heap chunks plus mmapped blocks)."""
    libc = ctypes.CDLL('libc.so.6')
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return info.uordblks + info.hblkhd


def peak_memory(loss_fn, student, teacher) -> int:
    """Peak bytes allocated during one step, above the starting level.

    On a GPU this is exact (the CUDA allocator's peak). On the CPU it is the
    largest heap level seen after any op of the step, forward and backward
    (temporaries inside a single op are not seen).
    """
    if student.device.type == 'cuda':
        torch.cuda.synchronize()
        base = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        step(loss_fn, student, teacher)
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - base
    with _MallocPeak() as tracker:
        step(loss_fn, student, teacher)
    return tracker.peak


def benchmark(shape: Tuple[int, int], repeats: int,
              device: torch.device) -> Dict[str, Tuple[float, int]]:
    gen = torch.Generator().manual_seed(0)
    student = (torch.randn(*shape, generator=gen) * 3).to(device)
    teacher = (torch.randn(*shape, generator=gen) * 5).to(device)
    student.requires_grad_()
    losses = candidates()
    for loss_fn in losses.values():  # warm-up
        for _ in range(3):
            step(loss_fn, student, teacher)
    times: Dict[str, List[float]] = {name: [] for name in losses}
    for _ in range(repeats):  # interleaved, so drift hits all alike
        for name, loss_fn in losses.items():
            times[name].append(time_once(loss_fn, student, teacher))
    # The least of three samples: the first step after others can still
    # grow malloc's arenas for reasons that are not the loss's.
    return {
        name: (statistics.median(times[name]),
               min(peak_memory(loss_fn, student, teacher) for _ in range(3)))
        for name, loss_fn in losses.items()
    }


def format_table(results: Dict[Tuple[int, int], Dict]) -> str:
    lines = [
        '| shape (N, C) | KLDivergence ms | naive ms | ZScoreKLDivergence ms '
        '| time vs KLDivergence | time vs naive | peak MiB KLDiv / naive / '
        'ours | peak vs naive |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ]
    for shape, res in results.items():
        (t_kl, m_kl), (t_nv, m_nv), (t_z, m_z) = (
            res['KLDivergence'], res['naive'], res['ZScoreKLDivergence'])
        mib = 1024**2
        lines.append(
            f'| {shape} | {t_kl * 1e3:.2f} | {t_nv * 1e3:.2f} | '
            f'{t_z * 1e3:.2f} | {t_z / t_kl:.2f}x | {t_z / t_nv:.2f}x | '
            f'{m_kl / mib:.1f} / {m_nv / mib:.1f} / {m_z / mib:.1f} | '
            f'{m_z / m_nv:.2f}x |')
    return '\n'.join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeats', type=int, default=30,
                        help='timed steps per loss and shape (median)')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch CPU threads (default: torch default)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    results = {
        shape: benchmark(shape, args.repeats, device)
        for shape in SHAPES
    }
    print(f'device={device} torch={torch.__version__} '
          f'threads={torch.get_num_threads()} repeats={args.repeats} '
          f'(median forward+backward)')
    print(format_table(results))


if __name__ == '__main__':
    main()
