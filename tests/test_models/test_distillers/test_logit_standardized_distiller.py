# Copyright (c) zkd_mm contributors. All rights reserved.
"""``LogitStandardizedDistiller`` through real ``SingleTeacherDistill``."""
import pytest
import torch
import torch.nn.functional as F

from tests.reference import reference_dkd, reference_zscore_kl
from tests.tiny_distill import batch, build_algorithm, fc_recorders

KL_MAPPING = dict(
    loss_kl=dict(
        preds_S=dict(from_student=True, recorder='fc'),
        preds_T=dict(from_student=False, recorder='fc')))


def distiller(type_, loss, mapping=KL_MAPPING, labels=False, **kwargs):
    return dict(
        type=type_,
        student_recorders=fc_recorders(labels),
        teacher_recorders=fc_recorders(),
        distill_losses=dict((name, loss) for name in mapping),
        loss_forward_mappings=mapping,
        **kwargs)


def losses_and_grads(algorithm, inputs, samples):
    """One real loss step; returns the loss dict and student gradients."""
    algorithm.train()
    losses = algorithm.loss(inputs, samples)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    algorithm.zero_grad()
    total.backward()
    grads = {
        name: param.grad.clone()
        for name, param in algorithm.student.named_parameters()
        if param.grad is not None
    }
    return losses, grads


def same_weights(target, source):
    target.load_state_dict(source.state_dict())


def test_equals_configurable_distiller_with_zscore_kl():
    torch.manual_seed(0)
    ours = build_algorithm(
        distiller('LogitStandardizedDistiller',
                  dict(type='KLDivergence', tau=2.0, loss_weight=9.0),
                  standardized_recorders=['fc']))
    reference = build_algorithm(
        distiller('ConfigurableDistiller',
                  dict(type='ZScoreKLDivergence', tau=2.0, loss_weight=9.0)))
    same_weights(reference, ours)
    inputs, samples, _ = batch()
    losses, grads = losses_and_grads(ours, inputs, samples)
    ref_losses, ref_grads = losses_and_grads(reference, inputs, samples)
    assert set(losses) == {'student.loss', 'distill.loss_kl'}
    for key in losses:
        torch.testing.assert_close(losses[key], ref_losses[key], rtol=1e-6,
                                   atol=1e-7)
    # Fused vs composed float32 math: compare each gradient as a whole.
    for name in ref_grads:
        error = (grads[name] - ref_grads[name]).norm() / ref_grads[name].norm()
        assert error < 1e-5, (name, error)
    # And both equal the formula on the recorded raw logits.
    student_fc = ours.distiller.student_recorders.get_recorder('fc')
    teacher_fc = ours.distiller.teacher_recorders.get_recorder('fc')
    raw_s = student_fc.get_record_data().detach()
    raw_t = teacher_fc.get_record_data()
    expected = 9.0 * reference_zscore_kl(raw_s, raw_t, 2.0).mean()
    torch.testing.assert_close(losses['distill.loss_kl'].double(), expected,
                               rtol=1e-6, atol=0)


def test_student_ce_sees_raw_logits_and_labels_pass_through():
    torch.manual_seed(1)
    mapping = dict(
        loss_dkd=dict(
            preds_S=dict(from_student=True, recorder='fc'),
            preds_T=dict(from_student=False, recorder='fc'),
            gt_labels=dict(recorder='gt_labels', from_student=True,
                           data_idx=1)))
    algorithm = build_algorithm(
        distiller('LogitStandardizedDistiller',
                  dict(type='DKDLoss', tau=2.0, alpha=1.0, beta=8.0),
                  mapping=mapping, labels=True,
                  standardized_recorders=['fc']))
    inputs, samples, labels = batch()
    losses, _ = losses_and_grads(algorithm, inputs, samples)
    recorded_s = algorithm.distiller.student_recorders.get_recorder(
        'fc').get_record_data().detach()
    torch.testing.assert_close(
        losses['student.loss'], F.cross_entropy(recorded_s, labels))
    assert torch.equal(
        algorithm.distiller.get_record('gt_labels', True, data_idx=1),
        labels)
    standardized = algorithm.distiller.get_record('fc', True)
    assert not torch.allclose(standardized, recorded_s)
    torch.testing.assert_close(standardized.mean(1), torch.zeros(4),
                               atol=1e-6, rtol=0)


DKD_MAPPING = dict(
    loss_dkd=dict(
        preds_S=dict(from_student=True, recorder='fc'),
        preds_T=dict(from_student=False, recorder='fc'),
        gt_labels=dict(recorder='gt_labels', from_student=True,
                       data_idx=1)))


def _dkd_zscore(tau=2.0, beta=8.0, loss_weight=9.0):
    """DKD + Z-score as the -zscore configs build it: MMRazor's DKDLoss
    behind LogitStandardizedDistiller (the official code's alpha and beta
    are loss_weight times alpha 1 and beta)."""
    return build_algorithm(
        distiller('LogitStandardizedDistiller',
                  dict(type='DKDLoss', tau=tau, alpha=1.0, beta=beta,
                       loss_weight=loss_weight, reduction='batchmean'),
                  mapping=DKD_MAPPING, labels=True,
                  standardized_recorders=['fc']))


def _raw_logits(algorithm):
    records = algorithm.distiller
    return (records.student_recorders.get_recorder('fc').get_record_data()
            .detach(),
            records.teacher_recorders.get_recorder('fc').get_record_data())


@pytest.mark.parametrize('tau, beta, weight', [(2.0, 8.0, 9.0),
                                               (3.0, 2.0, 1.0),
                                               (4.0, 0.5, 18.0)])
def test_with_mmrazor_dkd_equals_official_dkd_with_standardization(
        tau, beta, weight):
    torch.manual_seed(2)
    algorithm = _dkd_zscore(tau, beta, weight)
    inputs, samples, labels = batch(size=6)
    losses, _ = losses_and_grads(algorithm, inputs, samples)
    raw_s, raw_t = _raw_logits(algorithm)
    expected = reference_dkd(raw_s, raw_t, labels, tau, weight,
                             weight * beta)
    # float32 against the float64 reference.
    torch.testing.assert_close(losses['distill.loss_dkd'].double(),
                               expected, rtol=1e-5, atol=1e-9)


def test_dkd_zscore_is_a_per_sample_mean():
    """Each sample's term does not depend on the others (no batch sum)."""
    torch.manual_seed(4)
    algorithm = _dkd_zscore()
    inputs, samples, labels = batch(size=6)
    losses, _ = losses_and_grads(algorithm, inputs, samples)
    raw_s, raw_t = _raw_logits(algorithm)
    per_sample = torch.stack([
        reference_dkd(raw_s[i:i + 1], raw_t[i:i + 1], labels[i:i + 1], 2.0,
                      9.0, 72.0) for i in range(6)
    ])
    torch.testing.assert_close(losses['distill.loss_dkd'].double(),
                               per_sample.mean(), rtol=1e-6, atol=1e-9)


def test_dkd_zscore_is_invariant_to_per_sample_affine_maps():
    """What the distiller hands DKDLoss, in float64 with gradients."""
    from mmrazor.models.losses import DKDLoss

    from zkd_mm.models import zscore
    gen = torch.Generator().manual_seed(0)
    student = torch.randn(8, 100, generator=gen, dtype=torch.float64) * 3
    teacher = torch.randn(8, 100, generator=gen, dtype=torch.float64) * 5
    labels = torch.randint(0, 100, (8, ), generator=gen)
    dkd = DKDLoss(tau=2.0, beta=8.0, loss_weight=9.0)

    def loss(s, t):
        return dkd(zscore(s), zscore(t), labels)

    scale = torch.rand(8, 1, generator=gen, dtype=torch.float64) * 5 + 0.2
    torch.testing.assert_close(loss(student * scale - 4, teacher * 2 + 7),
                               loss(student, teacher))
    small = student[:3, :5].clone().requires_grad_()
    assert torch.autograd.gradcheck(
        lambda s: DKDLoss(tau=2.0)(zscore(s), zscore(teacher[:3, :5]),
                                   labels[:3] % 5), (small, ))


def test_unknown_recorder_name_is_an_error():
    with pytest.raises(ValueError, match=r"\['logits'\] are not student_"):
        build_algorithm(
            distiller('LogitStandardizedDistiller',
                      dict(type='KLDivergence'),
                      standardized_recorders=['logits']))
