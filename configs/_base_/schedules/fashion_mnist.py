# The Fashion-MNIST schedule of every student and of the teacher: SGD lr
# 0.1, momentum 0.9, weight decay 5e-4 for batch 128, 5 epochs, cosine from
# the lr to 0 updated every iteration.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=True, convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=5, val_interval=1)
# Validates the student, then the teacher (logged as teacher.accuracy/...);
# the plain classifiers reset it to mmengine's ValLoop.
val_cfg = dict(type='mmrazor.SingleTeacherDistillValLoop')
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
