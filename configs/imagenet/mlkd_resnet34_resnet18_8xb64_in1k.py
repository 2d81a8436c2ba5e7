# MLKD, ResNet-34 -> ResNet-18: the official MLKD ImageNet settings, base
# tau 1, weight 0.5 on every term, lr 0.1. Paper (Table 3): top-1 71.90.
_base_ = ['../_base_/recipes/imagenet/mlkd.py',
          '../_base_/pairs/imagenet/resnet34_resnet18.py']
model = dict(_base_.pair, distiller=dict(distill_losses={
    loss: dict(temperatures=(1.0, 3.0, 5.0, 2.0, 6.0), loss_weight=0.5)
    for loss in ('loss_instance', 'loss_class', 'loss_batch')}))
optim_wrapper = dict(optimizer=dict(lr=0.1))
