# KD + Z-score, W40-2 -> R8x4: tau 2, KD weight 9 (the pair's values in the
# names of the paper's logs). Paper (Table 1): top-1 77.11.
_base_ = ['../_base_/recipes/cifar100/kd.py',
          '../_base_/pairs/cifar100/wrn-40-2_resnet8x4.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(type='ZScoreKLDivergence', tau=2.0, loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
