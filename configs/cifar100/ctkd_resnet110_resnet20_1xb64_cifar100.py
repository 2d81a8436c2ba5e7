# KD + CTKD, R110 -> R20: KD weight 0.9 (the CTKD paper's script). Paper (Table
# 2): top-1 70.99.
_base_ = ['../_base_/recipes/cifar100/ctkd.py',
          '../_base_/pairs/cifar100/resnet110_resnet20.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(loss_weight=0.9))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
