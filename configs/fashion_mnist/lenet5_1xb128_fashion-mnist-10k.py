# Student-only baseline: the LeNet-5 student of the distillation configs,
# trained alone with cross-entropy (weight 1), with the same data,
# augmentation, schedule (SGD, cosine, 5 epochs) and splits; lr and weight
# decay chosen on the validation split (docs/results/fashion_mnist_tuning).
_base_ = [
    '../_base_/datasets/fashion_mnist.py',
    '../_base_/schedules/fashion_mnist.py',
    '../_base_/models/fashion_mnist/lenet5.py'
]

model = dict(_base_.lenet5, data_preprocessor=_base_.data_preprocessor)
val_cfg = dict(_delete_=True)
optim_wrapper = dict(optimizer=dict(lr=0.2, weight_decay=5e-5))
