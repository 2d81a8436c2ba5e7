# KD + Z-score, Fashion-MNIST, ResNet_CIFAR-18 (width 8) -> LeNet-5.
# ZScoreKLDivergence tau 2, KD weight 9 (the paper's defaults); student
# CE 0.1.
_base_ = ['../_base_/distill_fashion_mnist.py']

model = dict(
    architecture=dict(head=dict(loss=dict(loss_weight=0.1))),
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='backbone.classifier')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            # nonfinite: stop on a NaN/inf loss ('propagate' carries on).
            loss_kl=dict(
                type='ZScoreKLDivergence',
                tau=2.0,
                loss_weight=9.0,
                nonfinite='raise')),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
