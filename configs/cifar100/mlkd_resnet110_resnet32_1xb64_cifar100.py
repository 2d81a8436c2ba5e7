# MLKD, R110 -> R32: base tau 4, weight 0.9 on every term (MLKD's code's
# defaults); lr and epochs of the pair's MLKD YAML. Paper (Table 2): top-1
# 74.11.
_base_ = ['../_base_/recipes/cifar100/mlkd.py',
          '../_base_/pairs/cifar100/resnet110_resnet32.py']
model = dict(_base_.pair, distiller=dict(distill_losses={
    loss: dict(temperatures=(4.0, 3.0, 5.0, 2.0, 6.0), loss_weight=0.9)
    for loss in ('loss_instance', 'loss_class', 'loss_batch')}))
optim_wrapper = dict(optimizer=dict(lr=0.025))
