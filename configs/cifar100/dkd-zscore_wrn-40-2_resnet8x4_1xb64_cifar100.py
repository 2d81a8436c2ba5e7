# DKD + Z-score, W40-2 -> R8x4: tau 2, BETA 2, KD weight 18, i.e. alpha 18 and
# beta 36 (the pair's values in the names of the paper's logs). Paper (Table
# 1): top-1 76.75.
_base_ = ['../_base_/recipes/cifar100/dkd.py',
          '../_base_/pairs/cifar100/wrn-40-2_resnet8x4.py']
model = dict(_base_.pair, distiller=dict(
    type='LogitStandardizedDistiller', standardized_recorders=['fc'],
    distill_losses=dict(loss_dkd=dict(tau=2.0, beta=2.0, loss_weight=18.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
