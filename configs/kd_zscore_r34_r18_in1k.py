# KD + Z-score (logit standardization), ImageNet ResNet-34 -> ResNet-18.
# Paper: tau 2, KD weight 9, CE 1.0 (top-1 71.42 reported in the paper).
_base_ = ['./_base_/distill_r34_r18_in1k.py']

model = dict(
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(fc=dict(type='ModuleOutputs',
                                       source='head.fc')),
        teacher_recorders=dict(fc=dict(type='ModuleOutputs',
                                       source='head.fc')),
        distill_losses=dict(
            loss_kl=dict(type='ZScoreKLDivergence', tau=2.0,
                         loss_weight=9.0)),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
