# DKD, ResNet_CIFAR-18 (width 8) -> LeNet-5: vanilla DKD's tau 4, beta 8.
_base_ = ['../_base_/recipes/fashion_mnist/dkd.py',
          '../_base_/pairs/fashion_mnist/resnet18-w8_lenet5.py']
model = dict(_base_.pair, distiller=dict(
    student_recorders=dict(fc=dict(source='backbone.classifier')),
    distill_losses=dict(
        loss_dkd=dict(tau=4.0, beta=8.0, loss_weight=1.0))))
optim_wrapper = dict(optimizer=dict(lr=0.1))
