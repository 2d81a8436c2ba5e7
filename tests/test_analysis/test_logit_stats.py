# Copyright (c) zkd_mm contributors. All rights reserved.
"""``logit_statistics`` against numbers computed here independently."""
import json
import math

import numpy as np
import pytest
import torch

from zkd_mm.analysis import (format_logit_statistics, logit_statistics,
                             per_sample_mean_std, summarize)


def np_zscore(x: np.ndarray, eps: float = 1e-7) -> np.ndarray:
    """The official code's normalize, in float64 numpy."""
    mean = x.mean(1, keepdims=True)
    return (x - mean) / (x.std(1, ddof=1, keepdims=True) + eps)


def np_softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def np_kd(student: np.ndarray, teacher: np.ndarray, tau: float) -> float:
    """tau^2 * mean_n sum_k p log(p / q), p teacher, q student."""
    p = np_softmax(teacher / tau)
    q = np_softmax(student / tau)
    return float((p * np.log(p / q)).sum(1).mean() * tau**2)


def flatten(tree: dict, prefix: str = '') -> dict:
    """``{'a.b': value}`` for a nested dict."""
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f'{prefix}{key}.'))
        else:
            flat[prefix + key] = value
    return flat


def random_pair(num_samples=64, num_classes=20, seed=0):
    gen = torch.Generator().manual_seed(seed)
    teacher = torch.randn(num_samples, num_classes, generator=gen) * 4
    student = (0.5 * teacher +
               torch.randn(num_samples, num_classes, generator=gen) + 3)
    labels = torch.randint(0, num_classes, (num_samples, ), generator=gen)
    return student, teacher, labels


def test_per_sample_mean_and_unbiased_std_of_known_rows():
    logits = torch.tensor([[1., 2., 3., 4.], [0., 0., 0., 6.],
                           [-2., 2., -2., 2.]])
    mean, std = per_sample_mean_std(logits)
    assert mean.dtype == torch.float64
    torch.testing.assert_close(
        mean, torch.tensor([2.5, 1.5, 0.], dtype=torch.float64))
    # Squared deviations sum to 5, 27 and 16, divided by K - 1 = 3.
    expected = torch.tensor(
        [math.sqrt(5 / 3), 3., math.sqrt(16 / 3)], dtype=torch.float64)
    torch.testing.assert_close(std, expected)


def test_summaries_of_known_rows():
    teacher = torch.tensor([[1., 2., 3., 4.], [0., 0., 0., 6.],
                            [-2., 2., -2., 2.]])
    student = teacher * 2 + 1
    stats = logit_statistics(student, teacher, torch.tensor([3, 3, 1]))
    assert stats['teacher']['logit_mean'] == pytest.approx(
        dict(mean=4 / 3, median=1.5, min=0., max=2.5))
    assert stats['teacher']['logit_std']['median'] == pytest.approx(
        math.sqrt(16 / 3))
    assert stats['teacher']['logit_std']['max'] == pytest.approx(3.)
    # An affine student: mean 2m + 1, std 2s.
    assert stats['student']['logit_mean']['max'] == pytest.approx(6.)
    assert stats['student']['logit_std']['min'] == pytest.approx(
        2 * math.sqrt(5 / 3))
    assert summarize(torch.tensor([4., 1., 3., 2.]))['median'] == 2.5


@pytest.mark.parametrize('tau', [1.0, 2.0, 4.0])
def test_kl_divergences_match_float64_reference(tau):
    student, teacher, labels = random_pair()
    stats = logit_statistics(student, teacher, labels, tau=tau)
    s, t = student.double().numpy(), teacher.double().numpy()
    assert stats['kd_kl'] == pytest.approx(np_kd(s, t, tau), rel=1e-10)
    assert stats['zscore_kl'] == pytest.approx(
        np_kd(np_zscore(s), np_zscore(t), tau), rel=1e-9)
    assert stats['kd_kl'] > 0 and stats['zscore_kl'] > 0


def test_paper_toy_case():
    # Fig. 2: teacher [1, 4, 3, 2]; S1 close in value but wrong relations,
    # S2 = teacher / 10. Shared T=1 prefers S1, the Z-score prefers S2.
    teacher = torch.tensor([[1., 4., 3., 2.]] * 2)
    student = torch.tensor([[1., 2.8, 3., 2.], [.1, .4, .3, .2]])
    labels = torch.tensor([1, 1])
    s1 = logit_statistics(student[:1], teacher[:1], labels[:1], tau=1.0)
    s2 = logit_statistics(student[1:], teacher[1:], labels[1:], tau=1.0)
    assert s1['kd_kl'] == pytest.approx(0.1749, abs=1e-4)
    assert s2['kd_kl'] == pytest.approx(0.3457, abs=1e-4)
    assert s1['zscore_kl'] == pytest.approx(0.0995, abs=1e-4)
    assert s2['zscore_kl'] == pytest.approx(0.0, abs=1e-9)


def test_zscore_kl_is_blind_to_affine_maps_but_kd_kl_is_not():
    _, teacher, labels = random_pair()
    student = 0.2 * teacher - 5
    stats = logit_statistics(student, teacher, labels)
    assert stats['zscore_kl'] == pytest.approx(0.0, abs=1e-9)
    assert stats['kd_kl'] > 0.1
    assert stats['top1_agreement'] == 100.0


def test_agreement_and_accuracy_counts():
    eye = torch.eye(5)
    student = eye[[0, 1, 2, 3, 0]] * 5
    teacher = eye[[0, 1, 0, 3, 1]] * 3
    labels = torch.tensor([0, 4, 2, 3, 1])
    stats = logit_statistics(student, teacher, labels)
    # Same class on samples 0, 1 and 3.
    assert stats['top1_agreement_count'] == 3
    assert stats['top1_agreement'] == pytest.approx(60.0)
    # Student right on 0, 2, 3; teacher right on 0, 3, 4.
    assert stats['student']['top1_accuracy'] == pytest.approx(60.0)
    assert stats['teacher']['top1_accuracy'] == pytest.approx(60.0)
    labels = torch.tensor([1, 1, 1, 1, 1])
    stats = logit_statistics(student, teacher, labels)
    # Student predicts 1 on sample 1 only, the teacher on 1 and 4.
    assert stats['student']['top1_accuracy'] == pytest.approx(20.0)
    assert stats['teacher']['top1_accuracy'] == pytest.approx(40.0)


def test_class_mean_logit_difference_of_known_rows():
    teacher = torch.tensor([[4., 0., 0.], [2., 0., 2.], [0., 6., 0.]])
    student = torch.tensor([[1., 1., 1.], [1., 1., 1.], [0., 0., 3.]])
    labels = torch.tensor([0, 0, 1])
    diff = logit_statistics(student, teacher, labels)['class_mean_logit_diff']
    # Label 0: T mean [3, 0, 1], S mean [1, 1, 1] -> |.| [2, 1, 0] with
    # the own class zeroed: [0, 1, 0]. Label 1: |[0, 6, 0] - [0, 0, 3]| =
    # [0, 6, 3] -> [0, 0, 3]. Label 2 never occurs.
    assert diff['num_label_classes'] == 2
    assert diff['raw'] == pytest.approx(dict(mean=4 / 6, max=3.))
    t, s = np_zscore(teacher.double().numpy()), np_zscore(
        student.double().numpy())
    rows = np.stack([t[:2].mean(0) - s[:2].mean(0), t[2] - s[2]])
    rows = np.abs(rows)
    rows[0, 0] = rows[1, 1] = 0
    assert diff['standardized'] == pytest.approx(
        dict(mean=rows.mean(), max=rows.max()))


def test_chunks_and_dtypes_do_not_change_the_result():
    student, teacher, labels = random_pair(num_samples=37)
    whole = flatten(logit_statistics(student, teacher, labels))
    chunked = flatten(logit_statistics(student, teacher, labels, chunk_size=5))
    assert chunked == pytest.approx(whole, rel=1e-12)
    half = logit_statistics(student.half(), teacher.half(), labels)
    assert half['zscore_kl'] == pytest.approx(whole['zscore_kl'], rel=1e-2)


def test_result_is_json_and_the_table_shows_it():
    student, teacher, labels = random_pair()
    stats = logit_statistics(student, teacher, labels, tau=3.0)
    assert json.loads(json.dumps(stats)) == stats
    table = format_logit_statistics(stats)
    assert '64 samples, 20 classes' in table
    assert f"{stats['zscore_kl']:.6f}" in table
    assert f"{stats['kd_kl']:.6f}" in table
    assert 'KD KL, shared temperature (tau=3)' in table
    assert f"{stats['teacher']['logit_std']['mean']:.4f}" in table


@pytest.mark.parametrize('student, teacher, labels, match',
                         [((4, 5), (4, 6), (4, ), 'same shape'),
                          ((4, 5, 1), (4, 5, 1), (4, ), 'same shape'),
                          ((4, 1), (4, 1), (4, ), '2 classes'),
                          ((0, 5), (0, 5), (0, ), 'at least 1 sample'),
                          ((4, 5), (4, 5), (3, ), 'labels of shape')])
def test_bad_shapes_are_rejected(student, teacher, labels, match):
    with pytest.raises(ValueError, match=match):
        logit_statistics(
            torch.zeros(student), torch.zeros(teacher),
            torch.zeros(labels, dtype=torch.long))


def test_out_of_range_labels_and_tau_are_rejected():
    logits = torch.zeros(2, 3)
    with pytest.raises(ValueError, match=r'Labels must lie in \[0, 2\]'):
        logit_statistics(logits, logits, torch.tensor([0, 3]))
    with pytest.raises(ValueError, match='tau must be > 0'):
        logit_statistics(logits, logits, torch.tensor([0, 1]), tau=0)
