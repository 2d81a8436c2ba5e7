# KD, ResNet-34 -> ResNet-18: the paper's ImageNet KD setting, tau 1, KD
# weight 0.5. Paper (Table 3): top-1 71.03.
_base_ = ['../_base_/recipes/imagenet/kd.py',
          '../_base_/pairs/imagenet/resnet34_resnet18.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(tau=1.0, loss_weight=0.5))))
optim_wrapper = dict(optimizer=dict(lr=0.2))
