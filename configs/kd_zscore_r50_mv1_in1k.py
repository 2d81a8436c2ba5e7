# KD + Z-score (logit standardization), ImageNet ResNet-50 -> MobileNetV1.
# tau 2, KD weight 9 (the paper's defaults; its values for this pair are not
# published), CE 0.5, lr 0.2 (top-1 72.18 reported in the paper; not
# measured here).
_base_ = ['./_base_/distill_r50_mv1_in1k.py']

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
