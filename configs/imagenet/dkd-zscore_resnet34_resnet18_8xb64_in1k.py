# DKD + Z-score, ResNet-34 -> ResNet-18: tau 2, BETA 0.5 and KD weight 9,
# i.e. alpha 9 and beta 4.5 as the paper's code computes them (its exact
# ImageNet DKD values are not published). Paper (Table 3): top-1 71.88.
_base_ = ['../_base_/recipes/imagenet/dkd.py',
          '../_base_/pairs/imagenet/resnet34_resnet18.py']
model = dict(_base_.pair, distiller=dict(
    type='LogitStandardizedDistiller', standardized_recorders=['fc'],
    distill_losses=dict(loss_dkd=dict(tau=2.0, beta=0.5, loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.2))
