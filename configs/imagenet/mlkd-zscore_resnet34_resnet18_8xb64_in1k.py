# MLKD + Z-score, ResNet-34 -> ResNet-18: the paper's ImageNet MLKD + Z-score
# code and logs are lost (its issue #16); its values for every other method,
# base tau 2 and weight 9, with MLKD's lr 0.1. Paper (Table 3): top-1 72.08.
_base_ = ['../_base_/recipes/imagenet/mlkd.py',
          '../_base_/pairs/imagenet/resnet34_resnet18.py']
model = dict(_base_.pair, distiller=dict(distill_losses={
    loss: dict(temperatures=(2.0, 3.0, 5.0, 2.0, 6.0), loss_weight=9.0)
    for loss in ('loss_instance', 'loss_class', 'loss_batch')}))
# Z-score on the instance level only; the class and batch levels stay on
# the raw logits, as in the paper's code.
model['distiller']['distill_losses']['loss_instance']['standardize'] = True
optim_wrapper = dict(optimizer=dict(lr=0.1))
