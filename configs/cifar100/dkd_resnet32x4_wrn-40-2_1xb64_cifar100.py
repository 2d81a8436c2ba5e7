# DKD, R32x4 -> W40-2: tau 4, beta 8 (mdistiller's default; the paper's
# repository has no DKD YAML for this pair). Paper (Table 1): top-1 78.46.
_base_ = ['../_base_/recipes/cifar100/dkd.py',
          '../_base_/pairs/cifar100/resnet32x4_wrn-40-2.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_dkd=dict(tau=4.0, beta=8.0, loss_weight=1.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
