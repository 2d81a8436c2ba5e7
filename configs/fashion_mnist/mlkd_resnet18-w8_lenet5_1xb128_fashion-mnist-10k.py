# MLKD, Fashion-MNIST, ResNet_CIFAR-18 (width 8) -> LeNet-5.
# Multi-level logit distillation (Jin et al., CVPR 2023) on a weak and a
# strong view, no standardization: temperatures (4, 3, 5, 2, 6), weight 0.9
# on every term, student CE 0.1 on each view (as vanilla KD here).
_base_ = ['../_base_/mlkd_fashion_mnist.py']

mlkd_temperatures = (4.0, 3.0, 5.0, 2.0, 6.0)
model = dict(
    architecture=dict(head=dict(loss=dict(loss_weight=0.1))),
    distiller=dict(
        student_recorders=dict(fc=dict(source='backbone.classifier')),
        distill_losses=dict(
            loss_instance=dict(
                temperatures=mlkd_temperatures, standardize=False,
                loss_weight=0.9),
            loss_class=dict(temperatures=mlkd_temperatures, loss_weight=0.9),
            loss_batch=dict(temperatures=mlkd_temperatures, loss_weight=0.9))))
