# KD, Fashion-MNIST, ResNet_CIFAR-18 (width 8) -> LeNet-5.
# Vanilla KD baseline (the DKD paper's setting): MMRazor's KLDivergence
# tau 4, KD weight 0.9; student CE 0.1.
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
            loss_kl=dict(type='KLDivergence', tau=4.0, loss_weight=0.9)),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
