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


def test_with_mmrazor_dkd_equals_official_dkd_with_standardization():
    torch.manual_seed(2)
    mapping = dict(
        loss_dkd=dict(
            preds_S=dict(from_student=True, recorder='fc'),
            preds_T=dict(from_student=False, recorder='fc'),
            gt_labels=dict(recorder='gt_labels', from_student=True,
                           data_idx=1)))
    # MMRazor's DKDLoss is a per-sample mean only with 'batchmean'.
    algorithm = build_algorithm(
        distiller('LogitStandardizedDistiller',
                  dict(type='DKDLoss', tau=2.0, alpha=9.0, beta=72.0,
                       reduction='batchmean'),
                  mapping=mapping, labels=True,
                  standardized_recorders=['fc']))
    inputs, samples, labels = batch(size=6)
    losses, _ = losses_and_grads(algorithm, inputs, samples)
    raw_s = algorithm.distiller.student_recorders.get_recorder(
        'fc').get_record_data().detach()
    raw_t = algorithm.distiller.teacher_recorders.get_recorder(
        'fc').get_record_data()
    expected = reference_dkd(raw_s, raw_t, labels, 2.0, 9.0, 72.0)
    torch.testing.assert_close(losses['distill.loss_dkd'].double(),
                               expected, rtol=1e-6, atol=1e-9)


def test_connector_route_matches_distiller():
    torch.manual_seed(3)
    connector_mapping = dict(
        loss_kl=dict(
            preds_S=dict(from_student=True, recorder='fc',
                         connector='zscore'),
            preds_T=dict(from_student=False, recorder='fc',
                         connector='zscore')))
    with_connector = build_algorithm(
        distiller('ConfigurableDistiller',
                  dict(type='KLDivergence', tau=3.0),
                  mapping=connector_mapping,
                  connectors=dict(zscore=dict(type='ZScoreConnector'))))
    with_distiller = build_algorithm(
        distiller('LogitStandardizedDistiller',
                  dict(type='KLDivergence', tau=3.0),
                  standardized_recorders=['fc']))
    same_weights(with_distiller, with_connector)
    inputs, samples, _ = batch()
    a, _ = losses_and_grads(with_connector, inputs, samples)
    b, _ = losses_and_grads(with_distiller, inputs, samples)
    torch.testing.assert_close(a['distill.loss_kl'], b['distill.loss_kl'])


def test_unknown_recorder_name_is_an_error():
    with pytest.raises(ValueError, match=r"\['logits'\] are not student_"):
        build_algorithm(
            distiller('LogitStandardizedDistiller',
                      dict(type='KLDivergence'),
                      standardized_recorders=['logits']))
