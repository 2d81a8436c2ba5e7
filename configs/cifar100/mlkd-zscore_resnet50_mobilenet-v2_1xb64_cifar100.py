# MLKD + Z-score, R50 -> MN-V2: base tau 2, weight 9 on every term (the pair's
# values in the names of the paper's MLKD logs); lr and epochs of the pair's
# MLKD YAML. Paper (Table 1): top-1 71.19.
_base_ = ['../_base_/recipes/cifar100/mlkd.py',
          '../_base_/pairs/cifar100/resnet50_mobilenet-v2.py']
model = dict(_base_.pair, distiller=dict(distill_losses={
    loss: dict(temperatures=(2.0, 3.0, 5.0, 2.0, 6.0), loss_weight=9.0)
    for loss in ('loss_instance', 'loss_class', 'loss_batch')}))
# Z-score on the instance level only; the class and batch levels stay on
# the raw logits, as in the paper's code.
model['distiller']['distill_losses']['loss_instance']['standardize'] = True
optim_wrapper = dict(optimizer=dict(lr=0.01))
