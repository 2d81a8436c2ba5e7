# DKD, VGG13 -> VGG8: tau 4, beta 6 (the pair's DKD YAML in the paper's
# repository). Paper (Table 2): top-1 74.68.
_base_ = ['../_base_/recipes/cifar100/dkd.py',
          '../_base_/pairs/cifar100/vgg13_vgg8.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_dkd=dict(tau=4.0, beta=6.0, loss_weight=1.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
