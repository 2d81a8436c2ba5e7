# MLKD (Multi-Level Logit Distillation, Jin et al., CVPR 2023) without
# Z-score. Teacher and student see a weak and a strong view of each training
# image (the recipes make both views and normalize them);
# MultiViewSingleTeacherDistill runs both models on the weak view, then on
# the strong one, so each recorder keeps one output per view: record_idx 0
# is the weak view, 1 the strong one. Three losses, each summed over its
# temperatures: instance level (KD on both views), class level and batch
# level (the class and batch Gram matrices of the weak view's predictions).
# Each config sets their temperatures and loss_weight; the -zscore configs
# set standardize=True on the instance level only, as the paper's code.
# The teacher-confidence masks weight each sample (each class at the class
# level). For the official code's scalar masks (and its weak-view terms at
# T 2 and 6 in the strong-view instance sum) set official_quirks=True on the
# three losses:
#   --cfg-options \
#   model.distiller.distill_losses.loss_instance.official_quirks=True \
#   model.distiller.distill_losses.loss_class.official_quirks=True \
#   model.distiller.distill_losses.loss_batch.official_quirks=True
model = dict(
    _scope_='mmrazor', type='MultiViewSingleTeacherDistill',
    view_names=('weak', 'strong'),
    data_preprocessor=dict(type='MultiViewDataPreprocessor', num_views=2),
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_instance=dict(type='MLKDInstanceLoss', standardize=False),
            loss_class=dict(type='MLKDClassLoss'),
            loss_batch=dict(type='MLKDBatchLoss')),
        loss_forward_mappings=dict(
            loss_instance=dict(
                preds_S_weak=dict(
                    from_student=True, recorder='fc', record_idx=0),
                preds_T_weak=dict(
                    from_student=False, recorder='fc', record_idx=0),
                preds_S_strong=dict(
                    from_student=True, recorder='fc', record_idx=1),
                preds_T_strong=dict(
                    from_student=False, recorder='fc', record_idx=1)),
            loss_class=dict(
                preds_S=dict(from_student=True, recorder='fc', record_idx=0),
                preds_T=dict(
                    from_student=False, recorder='fc', record_idx=0)),
            loss_batch=dict(
                preds_S=dict(from_student=True, recorder='fc', record_idx=0),
                preds_T=dict(
                    from_student=False, recorder='fc', record_idx=0)))))
