# Vanilla KD baseline for kd_zscore_r34_r18_in1k.py, same data and schedule.
# The paper's ImageNet KD setting: tau 1, KD weight 0.5, CE 1.0 (top-1 71.03
# reported in the paper).
_base_ = ['./_base_/distill_r34_r18_in1k.py']

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
