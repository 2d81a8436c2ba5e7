# MLKD + Z-score, Fashion-MNIST, ResNet_CIFAR-18 (width 8) -> LeNet-5.
# The instance-level terms on standardized logits (class and batch levels on
# the raw logits, as the paper's MLKD code): base temperature 2 and weight 9
# on every term, student CE 0.1 on each view (as KD + Z-score here).
_base_ = ['../_base_/mlkd_fashion_mnist.py']

mlkd_temperatures = (2.0, 3.0, 5.0, 2.0, 6.0)
model = dict(
    architecture=dict(head=dict(loss=dict(loss_weight=0.1))),
    distiller=dict(
        student_recorders=dict(fc=dict(source='backbone.classifier')),
        distill_losses=dict(
            loss_instance=dict(
                temperatures=mlkd_temperatures, standardize=True,
                loss_weight=9.0),
            loss_class=dict(temperatures=mlkd_temperatures, loss_weight=9.0),
            loss_batch=dict(temperatures=mlkd_temperatures, loss_weight=9.0))))
