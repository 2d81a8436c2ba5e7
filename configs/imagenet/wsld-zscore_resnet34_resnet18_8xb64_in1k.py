# WSLD + Z-score, ResNet-34 -> ResNet-18: the hyper-parameters of MMRazor's
# WSLD config, not tuned with Z-score. Not in the paper.
_base_ = ['../_base_/recipes/imagenet/wsld.py',
          '../_base_/pairs/imagenet/resnet34_resnet18.py']
model = dict(_base_.pair, distiller=dict(
    type='LogitStandardizedDistiller', standardized_recorders=['fc'],
    distill_losses=dict(
    loss_wsld=dict(tau=2.0, loss_weight=2.5))))
optim_wrapper = dict(optimizer=dict(lr=0.2))
