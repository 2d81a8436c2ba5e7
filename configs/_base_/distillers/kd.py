# Vanilla KD: MMRazor's KLDivergence between the logits of the student's and
# the teacher's heads (their fc layers' outputs). Each config sets tau and
# loss_weight; the -zscore configs switch the loss to ZScoreKLDivergence.
model = dict(
    _scope_='mmrazor', type='CheckedSingleTeacherDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(loss_kl=dict(type='KLDivergence')),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
