# KD + Z-score, R110 -> R20: tau 4, KD weight 12 (the pair's values in the
# names of the paper's logs). Paper (Table 2): top-1 71.48.
_base_ = ['../_base_/recipes/cifar100/kd.py',
          '../_base_/pairs/cifar100/resnet110_resnet20.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(type='ZScoreKLDivergence', tau=4.0, loss_weight=12.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
