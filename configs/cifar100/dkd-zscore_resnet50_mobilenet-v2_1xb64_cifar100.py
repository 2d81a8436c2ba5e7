# DKD + Z-score, R50 -> MN-V2: tau 2, BETA 2, KD weight 15, i.e. alpha 15 and
# beta 30 (the pair's values in the names of the paper's logs). Paper (Table
# 1): top-1 70.45.
_base_ = ['../_base_/recipes/cifar100/dkd.py',
          '../_base_/pairs/cifar100/resnet50_mobilenet-v2.py']
model = dict(_base_.pair, distiller=dict(
    type='LogitStandardizedDistiller', standardized_recorders=['fc'],
    distill_losses=dict(loss_dkd=dict(tau=2.0, beta=2.0, loss_weight=15.0))))
optim_wrapper = dict(optimizer=dict(lr=0.01))
