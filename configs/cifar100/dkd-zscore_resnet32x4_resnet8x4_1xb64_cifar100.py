# DKD + Z-score, R32x4 -> R8x4: tau 2, BETA 8, KD weight 9, i.e. alpha 9 and
# beta 72 (the pair's values in the names of the paper's logs). Paper (Table
# 2): top-1 77.01.
_base_ = ['../_base_/recipes/cifar100/dkd.py',
          '../_base_/pairs/cifar100/resnet32x4_resnet8x4.py']
model = dict(_base_.pair, distiller=dict(
    type='LogitStandardizedDistiller', standardized_recorders=['fc'],
    distill_losses=dict(loss_dkd=dict(tau=2.0, beta=8.0, loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
