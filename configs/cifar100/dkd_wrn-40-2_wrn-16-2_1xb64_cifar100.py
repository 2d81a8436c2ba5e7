# DKD, W40-2 -> W16-2: tau 4, beta 6 (the pair's DKD YAML in the paper's
# repository). Paper (Table 2): top-1 76.24.
_base_ = ['../_base_/recipes/cifar100/dkd.py',
          '../_base_/pairs/cifar100/wrn-40-2_wrn-16-2.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_dkd=dict(tau=4.0, beta=6.0, loss_weight=1.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
