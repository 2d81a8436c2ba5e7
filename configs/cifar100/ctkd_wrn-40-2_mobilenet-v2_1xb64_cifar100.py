# KD + CTKD, W40-2 -> MN-V2: KD weight 0.9 (the CTKD paper's script). Paper
# (Table 1): top-1 68.34.
_base_ = ['../_base_/recipes/cifar100/ctkd.py',
          '../_base_/pairs/cifar100/wrn-40-2_mobilenet-v2.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(loss_weight=0.9))))
optim_wrapper = dict(optimizer=dict(lr=0.01))
