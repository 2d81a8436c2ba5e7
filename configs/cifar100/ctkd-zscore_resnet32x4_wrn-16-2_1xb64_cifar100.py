# KD + CTKD + Z-score, R32x4 -> W16-2: KD weight 9 (the CTKD script of the
# paper's repository). Paper (Table 1): top-1 75.16.
_base_ = ['../_base_/recipes/cifar100/ctkd.py',
          '../_base_/pairs/cifar100/resnet32x4_wrn-16-2.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(standardize=True, loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
