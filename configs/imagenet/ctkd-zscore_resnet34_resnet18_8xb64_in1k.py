# KD + CTKD + Z-score, ResNet-34 -> ResNet-18: KD weight 2 (-a 2 of the CTKD
# ImageNet script of the paper's repository, which runs standardized because
# of its inverted --logit_stand flag, its issue #15; whether the paper's
# number used it is not published). Paper (Table 3): top-1 71.81.
_base_ = ['../_base_/recipes/imagenet/ctkd.py',
          '../_base_/pairs/imagenet/resnet34_resnet18.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(standardize=True, loss_weight=2.0))))
optim_wrapper = dict(optimizer=dict(lr=0.2))
