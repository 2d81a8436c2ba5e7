# KD, R32x4 -> W16-2: tau 4, KD weight 0.9 (the DKD paper's setting). Paper
# (Table 1): top-1 74.90.
_base_ = ['../_base_/recipes/cifar100/kd.py',
          '../_base_/pairs/cifar100/resnet32x4_wrn-16-2.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(tau=4.0, loss_weight=0.9))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
