# Vanilla DKD (Zhao et al., CVPR 2022): MMRazor's DKDLoss, alpha 1 on the
# target-class term, loss_weight * (alpha TCKD + beta NCKD), averaged over
# the batch: reduction 'batchmean' (MMRazor's DKDLoss sums over the batch
# with any other reduction, so zkd_mm's algorithms refuse those). It also
# takes the ground-truth labels, recorded at the student's CE loss. Each
# config sets tau, beta and loss_weight (the paper's KD weight; the official
# code's alpha and beta are these times it); the recipes add DKD's warm-up
# hook, and the -zscore configs switch the distiller to
# LogitStandardizedDistiller, which Z-scores the fc records of both sides.
model = dict(
    _scope_='mmrazor', type='CheckedSingleTeacherDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_dkd=dict(
                type='DKDLoss', alpha=1.0, reduction='batchmean')),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))
