# Shared by the Fashion-MNIST distillation configs in configs/fashion_mnist/:
# the algorithm, the LeNet-5 student and the ResNet_CIFAR-18 (width 8)
# teacher with its shipped checkpoint. Data, augmentation, schedule and the
# held-out validation split come from fashion_mnist_10k.py and are the same
# for every method and for the student-only baseline. Each config adds the
# distiller and the student's CE weight.
_base_ = ['./fashion_mnist_10k.py']

# Trained with configs/fashion_mnist/resnet18-w8_1xb128_fashion-mnist.py, see
# checkpoints/fashion_mnist/README.md.
teacher_ckpt = 'checkpoints/fashion_mnist/teacher_resnet18-w8_fmnist.pth'

model = dict(
    _scope_='mmrazor',
    type='CheckedSingleTeacherDistill',
    data_preprocessor={{_base_.data_preprocessor}},
    # mmpretrain's LeNet5 gives the logits itself (backbone.classifier);
    # the ClsHead only adds the CE loss.
    architecture=dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='LeNet5', num_classes=10),
        head=dict(
            type='ClsHead',
            loss=dict(type='CrossEntropyLoss', loss_weight=1.0))),
    teacher=dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(
            type='ResNet_CIFAR',
            depth=18,
            in_channels=1,
            stem_channels=8,
            base_channels=8,
            num_stages=4,
            out_indices=(3, ),
            style='pytorch'),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=10,
            in_channels=64,
            loss=dict(type='CrossEntropyLoss', loss_weight=1.0))),
    teacher_ckpt=teacher_ckpt,
)

# Validates the student, then the teacher (logged as teacher.accuracy/...).
val_cfg = dict(type='mmrazor.SingleTeacherDistillValLoop')
