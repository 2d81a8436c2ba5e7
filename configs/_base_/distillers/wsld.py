# WSLD (Zhou et al., ICLR 2021): MMRazor's WSLD between the logits of the
# student's and the teacher's heads; it also takes the ground-truth labels,
# recorded at the student's CE loss. Each config sets tau and loss_weight;
# the recipes set num_classes, and the -zscore configs standardize its inputs
# with LogitStandardizedDistiller.
model = dict(
    _scope_='mmrazor', type='CheckedSingleTeacherDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(loss_wsld=dict(type='WSLD')),
        loss_forward_mappings=dict(
            loss_wsld=dict(
                student=dict(from_student=True, recorder='fc'),
                teacher=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))
