# KD + CTKD + Z-score, W40-2 -> MN-V2: KD weight 9 (the CTKD script of the
# paper's repository). Paper (Table 1): top-1 69.53.
_base_ = ['../_base_/recipes/cifar100/ctkd.py',
          '../_base_/pairs/cifar100/wrn-40-2_mobilenet-v2.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(standardize=True, loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.01))
