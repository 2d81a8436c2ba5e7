# DKD + Z-score, ResNet_CIFAR-18 (width 8) -> LeNet-5: tau 2, BETA 8, KD
# weight 9 (the paper's alpha 9, beta 72); tau 2 and lr 0.01 chosen on the
# validation split (docs/results/fashion_mnist_tuning).
_base_ = ['../_base_/recipes/fashion_mnist/dkd.py',
          '../_base_/pairs/fashion_mnist/resnet18-w8_lenet5.py']
model = dict(_base_.pair, distiller=dict(
    type='LogitStandardizedDistiller', standardized_recorders=['fc'],
    student_recorders=dict(fc=dict(source='backbone.classifier')),
    distill_losses=dict(
        loss_dkd=dict(tau=2.0, beta=8.0, loss_weight=9.0))))
optim_wrapper = dict(optimizer=dict(lr=0.01))
