# DKD + Z-score, W40-2 -> W16-2: tau 2, BETA 2, KD weight 12, i.e. alpha 12 and
# beta 24 (the pair's values in the names of the paper's logs). Paper (Table
# 2): top-1 76.39.
_base_ = ['../_base_/recipes/cifar100/dkd.py',
          '../_base_/pairs/cifar100/wrn-40-2_wrn-16-2.py']
model = dict(_base_.pair, distiller=dict(
    type='LogitStandardizedDistiller', standardized_recorders=['fc'],
    distill_losses=dict(loss_dkd=dict(tau=2.0, beta=2.0, loss_weight=12.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
