# DKD, Fashion-MNIST, ResNet_CIFAR-18 (width 8) -> LeNet-5.
# Vanilla DKD baseline (no standardization): tau 4, alpha 1, beta 8, loss
# weight 1, 2-epoch warm-up; student CE 1.
_base_ = ['../_base_/distill_fashion_mnist.py']

model = dict(
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='backbone.classifier'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            # nonfinite: stop on a NaN/inf loss ('propagate' carries on).
            loss_dkd=dict(
                type='ZScoreDKDLoss',
                tau=4.0,
                alpha=1.0,
                beta=8.0,
                loss_weight=1.0,
                reduction='batchmean',
                standardize=False,
                nonfinite='raise')),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))

# DKD's warm-up, shortened to this schedule (the paper: 20 of 240 epochs):
# the loss weight is scaled by min(epoch / 2, 1), 1-based epochs.
custom_hooks = [dict(type='mmrazor.DistillLossWarmupHook', warmup_epochs=2)]
