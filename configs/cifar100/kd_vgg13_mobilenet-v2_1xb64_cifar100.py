# KD, VGG13 -> MN-V2: tau 4, KD weight 0.9 (the DKD paper's setting). Paper
# (Table 1): top-1 67.37.
_base_ = ['../_base_/recipes/cifar100/kd.py',
          '../_base_/pairs/cifar100/vgg13_mobilenet-v2.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(tau=4.0, loss_weight=0.9))))
optim_wrapper = dict(optimizer=dict(lr=0.01))
