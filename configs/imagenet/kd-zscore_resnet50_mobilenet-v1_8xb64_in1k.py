# KD + Z-score, ResNet-50 -> MobileNetV1: the paper's defaults tau 2, KD
# weight 9 (its values for this pair are not published). Paper (Table 3):
# top-1 72.18.
_base_ = ['../_base_/recipes/imagenet/kd.py',
          '../_base_/pairs/imagenet/resnet50_mobilenet-v1.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(type='ZScoreKLDivergence', tau=2.0, loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.2))
