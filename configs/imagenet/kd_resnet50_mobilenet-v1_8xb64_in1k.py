# KD, ResNet-50 -> MobileNetV1: the paper's code's setting for this pair
# (its imagenet/r50_mv2/kd.yaml): tau 1, KD weight 0.5, lr 0.2. Paper
# (Table 3): top-1 70.50.
_base_ = ['../_base_/recipes/imagenet/kd.py',
          '../_base_/pairs/imagenet/resnet50_mobilenet-v1.py']
model = dict(_base_.pair, distiller=dict(distill_losses=dict(
    loss_kl=dict(tau=1.0, loss_weight=0.5))))
optim_wrapper = dict(optimizer=dict(lr=0.2))
