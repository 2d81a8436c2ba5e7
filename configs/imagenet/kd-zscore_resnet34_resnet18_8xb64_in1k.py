# KD + Z-score, ResNet-34 -> ResNet-18: the paper's tau 2, KD weight 9.
# Paper (Table 3): top-1 71.42.
_base_ = ['../_base_/recipes/imagenet/kd.py',
          '../_base_/pairs/imagenet/resnet34_resnet18.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(type='ZScoreKLDivergence', tau=2.0, loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.2))
