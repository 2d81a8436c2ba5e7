# DIST (Huang et al., NeurIPS 2022): MMRazor's DISTLoss between the logits of
# the student's and the teacher's heads. Each config sets its weights and
# tau; the -zscore configs standardize its inputs with
# LogitStandardizedDistiller.
model = dict(
    _scope_='mmrazor', type='CheckedSingleTeacherDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(loss_dist=dict(type='DISTLoss')),
        loss_forward_mappings=dict(
            loss_dist=dict(
                logits_S=dict(from_student=True, recorder='fc'),
                logits_T=dict(from_student=False, recorder='fc')))))
