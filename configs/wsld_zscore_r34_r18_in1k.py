# MMRazor's WSLD on Z-score standardized logits (LogitStandardizedDistiller
# applies the pre-process; the loss is unchanged), ImageNet R34 -> R18.
# WSLD hyper-parameters as in MMRazor's WSLD config (not tuned with Z-score).
_base_ = ['./_base_/distill_r34_r18_in1k.py']

model = dict(
    distiller=dict(
        type='LogitStandardizedDistiller',
        standardized_recorders=['fc'],
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(fc=dict(type='ModuleOutputs',
                                       source='head.fc')),
        distill_losses=dict(
            loss_wsld=dict(
                type='WSLD', tau=2.0, loss_weight=2.5, num_classes=1000)),
        loss_forward_mappings=dict(
            loss_wsld=dict(
                student=dict(from_student=True, recorder='fc'),
                teacher=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))
