# KD + Z-score, ResNet_CIFAR-18 (width 8) -> LeNet-5: the paper's KD weight
# 9, tau 1 and lr 0.05 (chosen on the validation split:
# docs/results/fashion_mnist_tuning).
_base_ = ['../_base_/recipes/fashion_mnist/kd.py',
          '../_base_/pairs/fashion_mnist/resnet18-w8_lenet5.py']
model = dict(_base_.pair, distiller=dict(
    student_recorders=dict(fc=dict(source='backbone.classifier')),
    distill_losses=dict(
        loss_kl=dict(type='ZScoreKLDivergence', tau=1.0,
                     loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.05))
