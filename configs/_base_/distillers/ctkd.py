# KD + CTKD (Curriculum Temperature for KD, Li et al., AAAI 2023) on raw
# logits: one global temperature T = 1 + 20 * sigmoid(theta), initially
# 15.62, trained through a gradient reversal layer to increase the KD loss,
# by the student's optimizer (weight decay included, as officially). Each
# config sets loss_weight; the recipes add CTKDCurriculumHook, which moves
# the reversal factor from 0 to -1 and logs ctkd_temperature; the -zscore
# configs set standardize=True (both sides Z-scored before dividing by T, the
# paper's DistillKL_logit_stand).
model = dict(
    _scope_='mmrazor', type='CheckedSingleTeacherDistill',
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kl=dict(
                type='CTKDLoss', standardize=False, t_start=1.0, t_end=20.0)),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
