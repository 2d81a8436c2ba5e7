# KD, W40-2 -> R8x4: tau 4, KD weight 0.9 (the DKD paper's setting). Paper
# (Table 1): top-1 73.97.
_base_ = ['../_base_/recipes/cifar100/kd.py',
          '../_base_/pairs/cifar100/wrn-40-2_resnet8x4.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(tau=4.0, loss_weight=0.9))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
