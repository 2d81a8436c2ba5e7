# KD + CTKD + Z-score, VGG13 -> VGG8: KD weight 9 (the CTKD script of the
# paper's repository). Paper (Table 2): top-1 74.47.
_base_ = ['../_base_/recipes/cifar100/ctkd.py',
          '../_base_/pairs/cifar100/vgg13_vgg8.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(standardize=True, loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
