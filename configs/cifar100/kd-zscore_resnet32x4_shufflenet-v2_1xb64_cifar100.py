# KD + Z-score, R32x4 -> SHN-V2: tau 2, KD weight 9 (the pair's values in the
# names of the paper's logs). Paper (Table 1): top-1 75.56.
_base_ = ['../_base_/recipes/cifar100/kd.py',
          '../_base_/pairs/cifar100/resnet32x4_shufflenet-v2.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(type='ZScoreKLDivergence', tau=2.0, loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.01))
