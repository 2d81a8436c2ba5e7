# DKD, R110 -> R20: tau 4, beta 8 (mdistiller's default; the paper's repository
# has no DKD YAML for this pair). Paper (Table 2): top-1 71.06.
_base_ = ['../_base_/recipes/cifar100/dkd.py',
          '../_base_/pairs/cifar100/resnet110_resnet20.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_dkd=dict(tau=4.0, beta=8.0, loss_weight=1.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
