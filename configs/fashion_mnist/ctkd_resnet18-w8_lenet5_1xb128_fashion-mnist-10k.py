# KD + CTKD, Fashion-MNIST, ResNet_CIFAR-18 (width 8) -> LeNet-5.
# CTKDLoss (Li et al., AAAI 2023): one learnable temperature in (1, 21),
# initially 15.62, trained through gradient reversal, on the raw logits; KD
# weight 0.9 and student CE 0.1 as vanilla KD here. The reversal factor
# falls from 0 to -1 over the first 2 of the 5 epochs (cosine).
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
            loss_kl=dict(
                type='CTKDLoss',
                standardize=False,
                t_start=1.0,
                t_end=20.0,
                loss_weight=0.9)),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))

custom_hooks = [
    dict(
        type='mmrazor.CTKDCurriculumHook',
        decay_max=0.0,
        decay_min=-1.0,
        decay_loops=2)
]
