# KD + Z-score, R50 -> MN-V2: tau 3, KD weight 1 (the pair's values in the
# names of the paper's logs). Paper (Table 1): top-1 69.02.
_base_ = ['../_base_/recipes/cifar100/kd.py',
          '../_base_/pairs/cifar100/resnet50_mobilenet-v2.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(type='ZScoreKLDivergence', tau=3.0, loss_weight=1.0))))
optim_wrapper = dict(optimizer=dict(lr=0.01))
