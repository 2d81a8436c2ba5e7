# Copyright (c) zkd_mm contributors. All rights reserved.
"""mdistiller's state-dict keys and shapes, described independently.

Written from the published model definitions (mdistiller
``mdistiller/models/cifar/*.py`` and ``imagenet/mobilenetv1.py`` at
``a08d46f``), not from zkd_mm's backbones, so that tests can build
checkpoints that look exactly like mdistiller's without a download.

``REFERENCE_PARAMS`` holds the parameter counts of those definitions with
their classifier (100 classes, 1000 for ImageNet ``MobileNetV1``), counted
with PyTorch.
"""
from typing import Dict, Iterator, Tuple

import torch

Shape = Tuple[int, ...]
KeyShapes = Iterator[Tuple[str, Shape]]

#: mdistiller name -> (exact parameter count, rounded to 0.001 M).
REFERENCE_PARAMS: Dict[str, Tuple[int, float]] = {
    'resnet8': (83892, 0.084),
    'resnet14': (181108, 0.181),
    'resnet20': (278324, 0.278),
    'resnet32': (472756, 0.473),
    'resnet44': (667188, 0.667),
    'resnet56': (861620, 0.862),
    'resnet110': (1736564, 1.737),
    'resnet8x4': (1233540, 1.234),
    'resnet32x4': (7433860, 7.434),
    'wrn_16_1': (180916, 0.181),
    'wrn_16_2': (703284, 0.703),
    'wrn_40_1': (569780, 0.570),
    'wrn_40_2': (2255156, 2.255),
    'vgg8': (3965028, 3.965),
    'vgg11': (9277284, 9.277),
    'vgg13': (9462180, 9.462),
    'vgg16': (14774436, 14.774),
    'vgg19': (20086692, 20.087),
    'MobileNetV2': (812836, 0.813),
    'ShuffleV1': (949258, 0.949),
    'ShuffleV2': (1355528, 1.356),
    'ResNet50': (23705252, 23.705),
    'MobileNetV1': (4231976, 4.232),
}


def _conv(name: str,
          cin: int,
          cout: int,
          k: int,
          groups: int = 1,
          bias: bool = False) -> KeyShapes:
    yield f'{name}.weight', (cout, cin // groups, k, k)
    if bias:
        yield f'{name}.bias', (cout, )


def _bn(name: str, c: int) -> KeyShapes:
    for suffix in ('weight', 'bias', 'running_mean', 'running_var'):
        yield f'{name}.{suffix}', (c, )
    yield f'{name}.num_batches_tracked', ()


def _linear(name: str, cin: int, cout: int) -> KeyShapes:
    yield f'{name}.weight', (cout, cin)
    yield f'{name}.bias', (cout, )


def _resnet(depth: int, filters, n_cls: int) -> KeyShapes:
    # resnet.py: ResNet(depth, num_filters, 'basicblock')
    yield from _conv('conv1', 3, filters[0], 3)
    yield from _bn('bn1', filters[0])
    cin = filters[0]
    for s in (1, 2, 3):
        cout, stride = filters[s], 1 if s == 1 else 2
        for b in range((depth - 2) // 6):
            p = f'layer{s}.{b}'
            yield from _conv(f'{p}.conv1', cin, cout, 3)
            yield from _bn(f'{p}.bn1', cout)
            yield from _conv(f'{p}.conv2', cout, cout, 3)
            yield from _bn(f'{p}.bn2', cout)
            if b == 0 and (stride != 1 or cin != cout):
                yield from _conv(f'{p}.downsample.0', cin, cout, 1)
                yield from _bn(f'{p}.downsample.1', cout)
            cin = cout
    yield from _linear('fc', filters[3], n_cls)


def _resnet50(n_cls: int) -> KeyShapes:
    # resnetv2.py: ResNet(Bottleneck, [3, 4, 6, 3])
    yield from _conv('conv1', 3, 64, 3)
    yield from _bn('bn1', 64)
    cin = 64
    for s, (planes,
            blocks) in enumerate(zip((64, 128, 256, 512), (3, 4, 6, 3)), 1):
        for b in range(blocks):
            p, stride = f'layer{s}.{b}', 2 if s > 1 and b == 0 else 1
            yield from _conv(f'{p}.conv1', cin, planes, 1)
            yield from _bn(f'{p}.bn1', planes)
            yield from _conv(f'{p}.conv2', planes, planes, 3)
            yield from _bn(f'{p}.bn2', planes)
            yield from _conv(f'{p}.conv3', planes, 4 * planes, 1)
            yield from _bn(f'{p}.bn3', 4 * planes)
            if stride != 1 or cin != 4 * planes:
                yield from _conv(f'{p}.shortcut.0', cin, 4 * planes, 1)
                yield from _bn(f'{p}.shortcut.1', 4 * planes)
            cin = 4 * planes
    yield from _linear('linear', 2048, n_cls)


def _wrn(depth: int, k: int, n_cls: int) -> KeyShapes:
    # wrn.py: WideResNet(depth, num_classes, widen_factor)
    ch = [16, 16 * k, 32 * k, 64 * k]
    yield from _conv('conv1', 3, 16, 3)
    for s in (1, 2, 3):
        for b in range((depth - 4) // 6):
            p, cin = f'block{s}.layer.{b}', ch[s - 1] if b == 0 else ch[s]
            yield from _bn(f'{p}.bn1', cin)
            yield from _conv(f'{p}.conv1', cin, ch[s], 3)
            yield from _bn(f'{p}.bn2', ch[s])
            yield from _conv(f'{p}.conv2', ch[s], ch[s], 3)
            if cin != ch[s]:
                yield from _conv(f'{p}.convShortcut', cin, ch[s], 1)
    yield from _bn('bn1', ch[3])
    yield from _linear('fc', ch[3], n_cls)


_VGG_CFG = {
    8: [[64], [128], [256], [512], [512]],
    11: [[64], [128], [256, 256], [512, 512], [512, 512]],
    13: [[64, 64], [128, 128], [256, 256], [512, 512], [512, 512]],
    16: [[64, 64], [128, 128], [256] * 3, [512] * 3, [512] * 3],
    19: [[64, 64], [128, 128], [256] * 4, [512] * 4, [512] * 4],
}


def _vgg(depth: int, n_cls: int) -> KeyShapes:
    # vgg.py: VGG(cfg, batch_norm=True); Sequential of conv, BN, ReLU
    cin = 3
    for i, block in enumerate(_VGG_CFG[depth]):
        for j, cout in enumerate(block):
            yield from _conv(f'block{i}.{3 * j}', cin, cout, 3, bias=True)
            yield from _bn(f'block{i}.{3 * j + 1}', cout)
            cin = cout
    yield from _linear('classifier', 512, n_cls)


def _mobilenet_v2(n_cls: int) -> KeyShapes:
    # mobilenetv2.py: mobile_half = MobileNetV2(T=6, width_mult=0.5)
    yield from _conv('conv1.0', 3, 16, 3)
    yield from _bn('conv1.1', 16)
    cin = 16
    for i, (t, c, n) in enumerate([(1, 16, 1), (6, 24, 2), (6, 32, 3),
                                   (6, 64, 4), (6, 96, 3), (6, 160, 3),
                                   (6, 320, 1)]):
        for j in range(n):
            p, hid, cout = f'blocks.{i}.{j}.conv', cin * t, c // 2
            yield from _conv(f'{p}.0', cin, hid, 1)
            yield from _bn(f'{p}.1', hid)
            yield from _conv(f'{p}.3', hid, hid, 3, groups=hid)
            yield from _bn(f'{p}.4', hid)
            yield from _conv(f'{p}.6', hid, cout, 1)
            yield from _bn(f'{p}.7', cout)
            cin = cout
    yield from _conv('conv2.0', cin, 1280, 1)
    yield from _bn('conv2.1', 1280)
    yield from _linear('classifier.0', 1280, n_cls)


def _shufflenet_v1(n_cls: int) -> KeyShapes:
    # ShuffleNetv1.py: out_planes [240, 480, 960], blocks [4, 8, 4], g=3
    yield from _conv('conv1', 3, 24, 1)
    yield from _bn('bn1', 24)
    cin = 24
    for s, (planes, blocks) in enumerate(zip((240, 480, 960), (4, 8, 4)), 1):
        for b in range(blocks):
            p = f'layer{s}.{b}'
            cout = planes - cin if b == 0 else planes
            mid, g = cout // 4, 1 if cin == 24 else 3
            yield from _conv(f'{p}.conv1', cin, mid, 1, groups=g)
            yield from _bn(f'{p}.bn1', mid)
            yield from _conv(f'{p}.conv2', mid, mid, 3, groups=mid)
            yield from _bn(f'{p}.bn2', mid)
            yield from _conv(f'{p}.conv3', mid, cout, 1, groups=3)
            yield from _bn(f'{p}.bn3', cout)
            cin = planes
    yield from _linear('linear', 960, n_cls)


def _shufflenet_v2(n_cls: int) -> KeyShapes:
    # ShuffleNetv2.py: net_size 1: (116, 232, 464, 1024), blocks (3, 7, 3)
    yield from _conv('conv1', 3, 24, 1)
    yield from _bn('bn1', 24)
    cin = 24
    for s, (cout, blocks) in enumerate(zip((116, 232, 464), (3, 7, 3)), 1):
        p, mid = f'layer{s}.0', cout // 2  # DownBlock
        yield from _conv(f'{p}.conv1', cin, cin, 3, groups=cin)
        yield from _bn(f'{p}.bn1', cin)
        yield from _conv(f'{p}.conv2', cin, mid, 1)
        yield from _bn(f'{p}.bn2', mid)
        yield from _conv(f'{p}.conv3', cin, mid, 1)
        yield from _bn(f'{p}.bn3', mid)
        yield from _conv(f'{p}.conv4', mid, mid, 3, groups=mid)
        yield from _bn(f'{p}.bn4', mid)
        yield from _conv(f'{p}.conv5', mid, mid, 1)
        yield from _bn(f'{p}.bn5', mid)
        for b in range(1, blocks + 1):  # BasicBlock on half the channels
            p = f'layer{s}.{b}'
            yield from _conv(f'{p}.conv1', mid, mid, 1)
            yield from _bn(f'{p}.bn1', mid)
            yield from _conv(f'{p}.conv2', mid, mid, 3, groups=mid)
            yield from _bn(f'{p}.bn2', mid)
            yield from _conv(f'{p}.conv3', mid, mid, 1)
            yield from _bn(f'{p}.bn3', mid)
        cin = cout
    yield from _conv('conv2', 464, 1024, 1)
    yield from _bn('bn2', 1024)
    yield from _linear('linear', 1024, n_cls)


def _mobilenet_v1(n_cls: int) -> KeyShapes:
    # imagenet/mobilenetv1.py: model.0 conv_bn, model.1-13 conv_dw
    yield from _conv('model.0.0', 3, 32, 3)
    yield from _bn('model.0.1', 32)
    cin = 32
    widths = [64, 128, 128, 256, 256] + [512] * 6 + [1024, 1024]
    for i, cout in enumerate(widths, 1):
        yield from _conv(f'model.{i}.0', cin, cin, 3, groups=cin)
        yield from _bn(f'model.{i}.1', cin)
        yield from _conv(f'model.{i}.3', cin, cout, 1)
        yield from _bn(f'model.{i}.4', cout)
        cin = cout
    yield from _linear('fc', 1024, n_cls)


def reference_key_shapes(arch: str, num_classes: int = 0) -> Dict[str, Shape]:
    """mdistiller's state-dict keys and shapes, in its order.

    Args:
        arch (str): mdistiller's model name.
        num_classes (int): Classes of the classifier. Defaults to the
            benchmark's (1000 for ``MobileNetV1``, else 100).
    """
    n = num_classes or (1000 if arch == 'MobileNetV1' else 100)
    resnet = {
        f'resnet{d}': (d, (16, 16, 32, 64))
        for d in (8, 14, 20, 32, 44, 56, 110)
    }
    resnet.update(
        resnet8x4=(8, (32, 64, 128, 256)), resnet32x4=(32, (32, 64, 128, 256)))
    if arch in resnet:
        items = _resnet(*resnet[arch], n)
    elif arch.startswith('wrn_'):
        _, depth, k = arch.split('_')
        items = _wrn(int(depth), int(k), n)
    elif arch.startswith('vgg'):
        items = _vgg(int(arch[3:]), n)
    else:
        items = dict(
            MobileNetV2=_mobilenet_v2,
            ShuffleV1=_shufflenet_v1,
            ShuffleV2=_shufflenet_v2,
            ResNet50=_resnet50,
            MobileNetV1=_mobilenet_v1)[arch](
                n)
    return dict(items)


def reference_param_count(arch: str) -> int:
    """Parameters (no buffers) of :func:`reference_key_shapes`."""
    count = 0
    for key, shape in reference_key_shapes(arch).items():
        if key.rsplit('.', 1)[1] in ('weight', 'bias'):
            count += int(torch.Size(shape).numel())
    return count


def random_mdistiller_state(arch: str,
                            num_classes: int = 0,
                            seed: int = 0) -> Dict[str, torch.Tensor]:
    """A random state dict with mdistiller's keys and shapes.

    Weights are scaled by ``1 / sqrt(fan_in)`` so that activations stay
    moderate, BN running variances are positive and ``num_batches_tracked``
    is an int64 scalar, as in a trained checkpoint.
    """
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for key, shape in reference_key_shapes(arch, num_classes).items():
        if key.endswith('num_batches_tracked'):
            state[key] = torch.tensor(1000, dtype=torch.long)
        elif key.endswith('running_var'):
            state[key] = torch.rand(shape, generator=generator) + 0.5
        else:
            value = torch.randn(shape, generator=generator)
            if len(shape) > 1:
                value /= torch.Size(shape[1:]).numel()**0.5
            state[key] = value
    return state
