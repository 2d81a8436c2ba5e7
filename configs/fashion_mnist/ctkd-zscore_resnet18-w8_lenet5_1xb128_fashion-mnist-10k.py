# KD + CTKD + Z-score, ResNet_CIFAR-18 (width 8) -> LeNet-5: KD weight 3 and
# lr 0.2 (chosen on the
# validation split: docs/results/fashion_mnist_tuning).
_base_ = ['../_base_/recipes/fashion_mnist/ctkd.py',
          '../_base_/pairs/fashion_mnist/resnet18-w8_lenet5.py']
model = dict(_base_.pair, distiller=dict(
    student_recorders=dict(fc=dict(source='backbone.classifier')),
    distill_losses=dict(loss_kl=dict(standardize=True, loss_weight=3.0))))
optim_wrapper = dict(optimizer=dict(lr=0.2))
