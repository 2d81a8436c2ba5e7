# KD + CTKD, ResNet-34 -> ResNet-18: KD weight 1 (-a 1 of the official CTKD
# ImageNet script; its batch 256, lr 0.1 and 120 epochs become the shared
# batch 512, lr 0.2 and 100 epochs). Paper (Table 3): top-1 71.38.
_base_ = ['../_base_/recipes/imagenet/ctkd.py',
          '../_base_/pairs/imagenet/resnet34_resnet18.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(loss_weight=1.0))))
optim_wrapper = dict(optimizer=dict(lr=0.2))
