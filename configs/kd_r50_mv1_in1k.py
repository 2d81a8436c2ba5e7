# Vanilla KD baseline for kd_zscore_r50_mv1_in1k.py, same data and schedule,
# ImageNet ResNet-50 -> MobileNetV1. The paper's code's setting for this
# pair: tau 1, KD weight 0.5, CE 0.5, lr 0.2 (top-1 70.50 reported in the
# paper; not measured here).
_base_ = ['./_base_/distill_r50_mv1_in1k.py']

model = dict(
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(fc=dict(type='ModuleOutputs',
                                       source='head.fc')),
        teacher_recorders=dict(fc=dict(type='ModuleOutputs',
                                       source='head.fc')),
        distill_losses=dict(
            loss_kl=dict(type='KLDivergence', tau=1.0, loss_weight=0.5)),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
