# KD + CTKD (curriculum temperature, Li et al., AAAI 2023), ImageNet
# ResNet-34 -> ResNet-18, without standardization. Top-1 71.38 reported in
# the logit standardization paper (Table 3), the paper's number.
# The official CTKD ImageNet script (zhengli97/CTKD): CE weight 1 (-r 1), KD
# weight 1 (-a 1), learnable T in (1, 21) (t_start 1, t_end 20, initially
# 15.62), gradient reversal from 0 to -1 over 5 epochs (cosine); its batch
# 256, lr 0.1 and 120 epochs become this base's batch 512, lr 0.2 (the same
# lr per sample) and 100 epochs, shared by all ImageNet configs here.
_base_ = ['./_base_/distill_r34_r18_in1k.py']

model = dict(
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(fc=dict(type='ModuleOutputs',
                                       source='head.fc')),
        teacher_recorders=dict(fc=dict(type='ModuleOutputs',
                                       source='head.fc')),
        distill_losses=dict(
            loss_kl=dict(
                type='CTKDLoss',
                standardize=False,
                t_start=1.0,
                t_end=20.0,
                loss_weight=1.0)),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))

# Sets the gradient reversal factor every epoch and logs the temperature of
# every iteration (ctkd_temperature). The temperature's parameter is trained
# by the same SGD as the student, weight decay included, as officially.
custom_hooks = [
    dict(
        type='mmrazor.CTKDCurriculumHook',
        decay_max=0.0,
        decay_min=-1.0,
        decay_loops=5)
]
