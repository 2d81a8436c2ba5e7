# MLKD, ResNet_CIFAR-18 (width 8) -> LeNet-5: base tau 4; weight 0.01
# on every term and lr 0.05 chosen on the validation split (larger weights
# diverge here; docs/results/fashion_mnist_tuning).
_base_ = ['../_base_/recipes/fashion_mnist/mlkd.py',
          '../_base_/pairs/fashion_mnist/resnet18-w8_lenet5.py']
model = dict(_base_.pair, distiller=dict(
    student_recorders=dict(fc=dict(source='backbone.classifier')),
    distill_losses={
        loss: dict(temperatures=(4.0, 3.0, 5.0, 2.0, 6.0), loss_weight=0.01)
        for loss in ('loss_instance', 'loss_class', 'loss_batch')}))
optim_wrapper = dict(optimizer=dict(lr=0.05))
