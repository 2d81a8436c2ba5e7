# KD, ResNet_CIFAR-18 (width 8) -> LeNet-5: tau 4, KD weight 0.9 (the DKD
# paper's), lr 0.1 (chosen on the
# validation split: docs/results/fashion_mnist_tuning).
_base_ = ['../_base_/recipes/fashion_mnist/kd.py',
          '../_base_/pairs/fashion_mnist/resnet18-w8_lenet5.py']
model = dict(_base_.pair, distiller=dict(
    student_recorders=dict(fc=dict(source='backbone.classifier')),
    distill_losses=dict(loss_kl=dict(tau=4.0, loss_weight=0.9))))
optim_wrapper = dict(optimizer=dict(lr=0.1))
