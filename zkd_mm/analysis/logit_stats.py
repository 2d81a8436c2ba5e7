# Copyright (c) zkd_mm contributors. All rights reserved.
"""Statistics of teacher and student logits (the paper's Fig. 3 analysis).

All functions are pure: they take logit tensors of shape (N, C) and labels
of shape (N,), compute in float64, and return numbers. The KL divergences
are the *evaluation* counterparts of the two training losses: vanilla KD
with one temperature shared by teacher and student, and the Z-score KD of
`Logit Standardization in Knowledge Distillation
<https://arxiv.org/abs/2403.01427>`_, which compares only the relations
between logits, not their offset and scale.
"""
from typing import Any, Dict, Tuple

import torch
import torch.nn.functional as F

from zkd_mm.models.functional import zscore, zscore_kl_div
from zkd_mm.models.functional.zscore import DEFAULT_EPS

SUMMARY_KEYS = ('mean', 'median', 'min', 'max')


def check_logits_and_labels(student_logits: torch.Tensor,
                            teacher_logits: torch.Tensor,
                            labels: torch.Tensor) -> None:
    """Check that the logits are (N, C) alike and labels are (N,).

    Args:
        student_logits (torch.Tensor): Student logits, shape (N, C).
        teacher_logits (torch.Tensor): Teacher logits, shape (N, C).
        labels (torch.Tensor): Class indices, shape (N,).

    Raises:
        ValueError: If the shapes do not fit, there is no sample, there are
            fewer than 2 classes or a label is out of range.
    """
    if student_logits.dim() != 2 or (student_logits.shape
                                     != teacher_logits.shape):
        raise ValueError(
            'Expected student and teacher logits of the same shape (N, C), '
            f'got {tuple(student_logits.shape)} and '
            f'{tuple(teacher_logits.shape)}.')
    num_samples, num_classes = student_logits.shape
    if num_samples == 0 or num_classes < 2:
        raise ValueError('Expected at least 1 sample and 2 classes, got '
                         f'logits of shape {tuple(student_logits.shape)}.')
    if labels.shape != (num_samples, ):
        raise ValueError(f'Expected labels of shape ({num_samples},), got '
                         f'{tuple(labels.shape)}.')
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f'Labels must lie in [0, {num_classes - 1}], got '
                         f'[{int(labels.min())}, {int(labels.max())}].')


def per_sample_mean_std(
        logits: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Each sample's logit mean and unbiased std over the classes.

    Args:
        logits (torch.Tensor): Logits of shape (N, C), C >= 2.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: Mean and std, float64, shape (N,).
    """
    logits = logits.double()
    return logits.mean(1), logits.std(1, unbiased=True)


def summarize(values: torch.Tensor) -> Dict[str, float]:
    """Mean, median, min and max of a 1-D tensor, as floats.

    The median is the midpoint of the two middle values for an even count.
    """
    values = values.double()
    return dict(
        mean=values.mean().item(),
        median=torch.quantile(values, 0.5).item(),
        min=values.min().item(),
        max=values.max().item())


def _shared_temperature_kl_sum(student: torch.Tensor, teacher: torch.Tensor,
                               tau: float) -> torch.Tensor:
    """``tau**2 * sum_n KL(softmax(t_n / tau) || softmax(s_n / tau))``."""
    log_q = F.log_softmax(student / tau, dim=1)
    log_p = F.log_softmax(teacher / tau, dim=1)
    return F.kl_div(log_q, log_p, reduction='sum', log_target=True) * tau**2


def _class_mean_diff(sums_T: torch.Tensor, sums_S: torch.Tensor,
                     counts: torch.Tensor) -> Dict[str, float]:
    """Mean and max of ``|class-mean T - class-mean S|``, diagonal zeroed."""
    present = counts > 0
    diff = ((sums_T - sums_S)[present] / counts[present, None]).abs()
    rows = torch.arange(diff.shape[0])
    diff[rows, present.nonzero().squeeze(1)] = 0
    return dict(mean=diff.mean().item(), max=diff.max().item())


def logit_statistics(student_logits: torch.Tensor,
                     teacher_logits: torch.Tensor,
                     labels: torch.Tensor,
                     tau: float = 2.0,
                     eps: float = DEFAULT_EPS,
                     chunk_size: int = 4096) -> Dict[str, Any]:
    """Compare student and teacher logits on the same samples.

    Everything is computed in float64, ``chunk_size`` samples at a time, so
    that a whole validation set fits in memory.

    - ``teacher`` / ``student``: summaries (see :func:`summarize`) of the
      per-sample logit mean and unbiased std over the classes, and the top-1
      accuracy in percent.
    - ``top1_agreement``: percent of samples on which both predict the same
      class (``top1_agreement_count`` of them).
    - ``kd_kl``: ``tau**2 * KL(softmax(t / tau) || softmax(s / tau))``,
      averaged over samples: vanilla KD's loss, one shared temperature.
    - ``zscore_kl``: the same on Z-scored logits (``ZScoreKLDivergence``
      with ``loss_weight=1``, ``reduction='batchmean'``). It is 0 for a
      student whose logits are any positive affine map of the teacher's.
    - ``class_mean_logit_diff``: the paper's Fig. 3 numbers. Average the
      logits of the samples of each label, for teacher and student, take
      ``|teacher - student|`` with the label's own class zeroed, and report
      its mean and max, for ``raw`` and ``standardized`` logits. Only labels
      that occur are averaged (``num_label_classes`` of them).

    Args:
        student_logits (torch.Tensor): Student logits, shape (N, C).
        teacher_logits (torch.Tensor): Teacher logits, shape (N, C).
        labels (torch.Tensor): Ground-truth class indices, shape (N,).
        tau (float): Temperature of both KL divergences. Defaults to 2.0.
        eps (float): Added to each std by the Z-score. Defaults to 1e-7.
        chunk_size (int): Samples processed at once. Defaults to 4096.

    Returns:
        dict: JSON-serializable statistics, described above.
    """
    check_logits_and_labels(student_logits, teacher_logits, labels)
    if tau <= 0:
        raise ValueError(f'tau must be > 0, got {tau}.')
    num_samples, num_classes = student_logits.shape
    labels = labels.long().cpu()
    mean_S, std_S = per_sample_mean_std(student_logits)
    mean_T, std_T = per_sample_mean_std(teacher_logits)
    kd_kl = zscore_kl = 0.0
    pred_S = torch.empty(num_samples, dtype=torch.long)
    pred_T = torch.empty(num_samples, dtype=torch.long)
    sums = {
        key: torch.zeros(num_classes, num_classes, dtype=torch.float64)
        for key in ('raw_T', 'raw_S', 'std_T', 'std_S')
    }
    for start in range(0, num_samples, chunk_size):
        stop = start + chunk_size
        student = student_logits[start:stop].detach().double().cpu()
        teacher = teacher_logits[start:stop].detach().double().cpu()
        chunk_labels = labels[start:stop]
        kd_kl += _shared_temperature_kl_sum(student, teacher, tau).item()
        zscore_kl += zscore_kl_div(
            student, teacher, tau=tau, reduction='sum', eps=eps).item()
        pred_S[start:stop] = student.argmax(1)
        pred_T[start:stop] = teacher.argmax(1)
        chunk = dict(
            raw_T=teacher,
            raw_S=student,
            std_T=zscore(teacher, 1, eps),
            std_S=zscore(student, 1, eps))
        for key, logits in chunk.items():
            sums[key].index_add_(0, chunk_labels, logits)
    counts = torch.bincount(labels, minlength=num_classes).double()
    agreement = int((pred_S == pred_T).sum())

    def side(mean, std, pred):
        return dict(
            logit_mean=summarize(mean),
            logit_std=summarize(std),
            top1_accuracy=100.0 * float((pred == labels).sum()) / num_samples)

    return dict(
        num_samples=num_samples,
        num_classes=num_classes,
        tau=tau,
        eps=eps,
        teacher=side(mean_T, std_T, pred_T),
        student=side(mean_S, std_S, pred_S),
        top1_agreement=100.0 * agreement / num_samples,
        top1_agreement_count=agreement,
        kd_kl=kd_kl / num_samples,
        zscore_kl=zscore_kl / num_samples,
        class_mean_logit_diff=dict(
            raw=_class_mean_diff(sums['raw_T'], sums['raw_S'], counts),
            standardized=_class_mean_diff(sums['std_T'], sums['std_S'],
                                          counts),
            num_label_classes=int((counts > 0).sum())))


def _spread(summary: Dict[str, float]) -> str:
    return '{min:.3f} / {median:.3f} / {max:.3f}'.format(**summary)


def format_logit_statistics(stats: Dict[str, Any]) -> str:
    """Render :func:`logit_statistics`'s result as a markdown table.

    Args:
        stats (dict): The result of :func:`logit_statistics`.

    Returns:
        str: A few lines of text.
    """
    teacher, student = stats['teacher'], stats['student']
    diff = stats['class_mean_logit_diff']
    rows = [
        ('logit mean, averaged over samples',
         f"{teacher['logit_mean']['mean']:.4f}",
         f"{student['logit_mean']['mean']:.4f}"),
        ('logit std (unbiased), mean over samples',
         f"{teacher['logit_std']['mean']:.4f}",
         f"{student['logit_std']['mean']:.4f}"),
        ('logit std, min / median / max', _spread(teacher['logit_std']),
         _spread(student['logit_std'])),
        ('top-1 accuracy (%)', f"{teacher['top1_accuracy']:.2f}",
         f"{student['top1_accuracy']:.2f}"),
    ]
    tau = stats['tau']
    pairs = [
        ('top-1 agreement (%)', f"{stats['top1_agreement']:.2f} "
         f"({stats['top1_agreement_count']}/{stats['num_samples']})"),
        (f'KD KL, shared temperature (tau={tau:g})', f"{stats['kd_kl']:.6f}"),
        (f'Z-score KL (tau={tau:g})', f"{stats['zscore_kl']:.6f}"),
        ('class-mean abs(T - S) logit diff, raw: mean / max',
         '{mean:.4f} / {max:.4f}'.format(**diff['raw'])),
        ('class-mean abs(T - S) logit diff, standardized: mean / max',
         '{mean:.4f} / {max:.4f}'.format(**diff['standardized'])),
    ]
    lines = [
        f"{stats['num_samples']} samples, {stats['num_classes']} classes",
        '',
        '| logits | teacher | student |',
        '| --- | --- | --- |',
    ]
    lines += [f'| {name} | {t} | {s} |' for name, t, s in rows]
    lines += ['', '| student vs teacher | value |', '| --- | --- |']
    lines += [f'| {name} | {value} |' for name, value in pairs]
    return '\n'.join(lines)
