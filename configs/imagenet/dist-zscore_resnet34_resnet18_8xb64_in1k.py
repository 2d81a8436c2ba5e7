# DIST + Z-score, ResNet-34 -> ResNet-18: the hyper-parameters of MMRazor's
# DIST config, not tuned with Z-score. Not in the paper.
_base_ = ['../_base_/recipes/imagenet/dist.py',
          '../_base_/pairs/imagenet/resnet34_resnet18.py']
model = dict(_base_.pair, distiller=dict(
    type='LogitStandardizedDistiller', standardized_recorders=['fc'],
    distill_losses=dict(
    loss_dist=dict(inter_loss_weight=1.0, intra_loss_weight=1.0, tau=1.0,
                   loss_weight=2.0))))
optim_wrapper = dict(optimizer=dict(lr=0.2))
