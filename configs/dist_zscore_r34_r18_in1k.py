# MMRazor's DISTLoss on Z-score standardized logits (LogitStandardizedDistiller
# applies the pre-process; the loss is unchanged), ImageNet R34 -> R18.
# DIST hyper-parameters as in MMRazor's DIST config (not tuned with Z-score).
_base_ = ['./_base_/distill_r34_r18_in1k.py']

model = dict(
    distiller=dict(
        type='LogitStandardizedDistiller',
        standardized_recorders=['fc'],
        student_recorders=dict(fc=dict(type='ModuleOutputs',
                                       source='head.fc')),
        teacher_recorders=dict(fc=dict(type='ModuleOutputs',
                                       source='head.fc')),
        distill_losses=dict(
            loss_dist=dict(
                type='DISTLoss',
                inter_loss_weight=1.0,
                intra_loss_weight=1.0,
                tau=1.0,
                loss_weight=2.0)),
        loss_forward_mappings=dict(
            loss_dist=dict(
                logits_S=dict(from_student=True, recorder='fc'),
                logits_T=dict(from_student=False, recorder='fc')))))
