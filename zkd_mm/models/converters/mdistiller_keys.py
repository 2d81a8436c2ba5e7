# Copyright (c) zkd_mm contributors. All rights reserved.
"""Convert mdistiller checkpoints to zkd_mm ``ImageClassifier`` checkpoints.

zkd_mm's backbones name their modules as mdistiller does, so an mdistiller
key becomes ``backbone.<key>``, except for the final linear layer
(``fc``, ``linear``, ``classifier`` or ``classifier.0``, see
:class:`~.mdistiller_names.MdistillerArch`), which becomes ``head.fc``::

    layer1.0.bn1.running_mean  ->  backbone.layer1.0.bn1.running_mean
    fc.weight                  ->  head.fc.weight

Every key and shape is checked against the built zkd_mm classifier before
it loads strictly, and a mismatch is reported by its mdistiller key.
"""
import re
from collections import OrderedDict
from typing import Any, Dict, List, Mapping, Optional

import torch
import torch.nn as nn

from .mdistiller_names import get_mdistiller_arch

BACKBONE_PREFIX = 'backbone.'
HEAD_PREFIX = 'head.fc.'
# BN buffers that checkpoints of PyTorch < 0.4.1 lack; PyTorch itself
# fills them with 0 when it loads such a checkpoint.
_OPTIONAL_KEY = re.compile(r'(^|\.)num_batches_tracked$')
# Scalars of a checkpoint that are worth keeping in the converted meta.
_SOURCE_META_KEYS = ('epoch', 'accuracy', 'best_acc')
_MAX_LISTED = 10


class MdistillerCheckpointError(ValueError):
    """An mdistiller checkpoint does not fit the zkd_mm classifier."""


def mdistiller_to_zkd_key(key: str, arch: str) -> str:
    """The zkd_mm ``ImageClassifier`` key of an mdistiller key.

    Args:
        key (str): e.g. ``'layer1.0.conv1.weight'`` or ``'fc.bias'``.
        arch (str): mdistiller's model name, e.g. ``'resnet32x4'``.

    Returns:
        str: e.g. ``'backbone.layer1.0.conv1.weight'`` or
        ``'head.fc.bias'``.
    """
    classifier = get_mdistiller_arch(arch).classifier + '.'
    if key.startswith(classifier):
        return HEAD_PREFIX + key[len(classifier):]
    return BACKBONE_PREFIX + key


def zkd_to_mdistiller_key(key: str, arch: str) -> str:
    """The mdistiller key of a zkd_mm ``ImageClassifier`` key.

    The inverse of :func:`mdistiller_to_zkd_key`.

    Raises:
        ValueError: If ``key`` is neither a ``backbone.`` nor a
            ``head.fc.`` key.
    """
    if key.startswith(HEAD_PREFIX):
        classifier = get_mdistiller_arch(arch).classifier
        return f'{classifier}.{key[len(HEAD_PREFIX):]}'
    if key.startswith(BACKBONE_PREFIX):
        return key[len(BACKBONE_PREFIX):]
    raise ValueError(f'{key!r} is neither a {BACKBONE_PREFIX!r} nor a '
                     f'{HEAD_PREFIX!r} key')


def mdistiller_state_dict(checkpoint: Any) -> Dict[str, torch.Tensor]:
    """The state dict in an mdistiller checkpoint.

    Args:
        checkpoint: What ``torch.load`` returned: a dict whose ``'model'``
            entry is the state dict (mdistiller's and CRD's teachers), or
            a bare state dict.

    Returns:
        dict[str, torch.Tensor]: The state dict.

    Raises:
        MdistillerCheckpointError: If neither holds tensors only.
    """
    if isinstance(checkpoint, Mapping) and isinstance(
            checkpoint.get('model'), Mapping):
        checkpoint = checkpoint['model']
    if not isinstance(checkpoint, Mapping) or not checkpoint or not all(
            isinstance(value, torch.Tensor) for value in checkpoint.values()):
        raise MdistillerCheckpointError(
            "The checkpoint is neither a dict with a 'model' state dict "
            '(as mdistiller saves) nor a state dict.')
    return dict(checkpoint)


def _shape(tensor: torch.Tensor) -> tuple:
    return tuple(tensor.shape)


def convert_mdistiller_state_dict(
    state_dict: Mapping[str, torch.Tensor], arch: str,
    target: Mapping[str, torch.Tensor]
) -> 'OrderedDict[str, torch.Tensor]':
    """Rename an mdistiller state dict and check it against ``target``.

    Args:
        state_dict (Mapping[str, torch.Tensor]): mdistiller's state dict.
        arch (str): mdistiller's model name.
        target (Mapping[str, torch.Tensor]): The zkd_mm classifier's
            state dict, giving the expected keys and shapes.

    Returns:
        OrderedDict[str, torch.Tensor]: The renamed tensors, in the order of
        ``target``. A missing ``num_batches_tracked`` is filled with 0, as
        PyTorch does for old checkpoints.

    Raises:
        MdistillerCheckpointError: Counting, and naming (up to 10 of each
            kind), the keys that do not map: shapes that differ, zkd_mm keys
            that the checkpoint lacks, mdistiller keys with no zkd_mm
            counterpart.
    """
    converted: Dict[str, torch.Tensor] = {}
    shapes: List[str] = []
    missing: List[str] = []
    unexpected: List[str] = []
    seen = set()
    for key, value in state_dict.items():
        new_key = mdistiller_to_zkd_key(key, arch)
        seen.add(new_key)
        if new_key not in target:
            unexpected.append(f'unexpected key {key!r} (would be '
                              f'{new_key!r}, which the model lacks)')
        elif _shape(value) != _shape(target[new_key]):
            shapes.append(f'shape mismatch for {key!r} -> {new_key!r}: '
                          f'{_shape(value)} in the checkpoint, '
                          f'{_shape(target[new_key])} in the model')
        else:
            converted[new_key] = value
    for new_key, reference in target.items():
        if new_key in seen:
            continue
        if _OPTIONAL_KEY.search(new_key):
            converted[new_key] = torch.zeros_like(reference)
        else:
            missing.append(
                f'missing key {zkd_to_mdistiller_key(new_key, arch)!r} '
                f'(for {new_key!r})')
    if shapes or missing or unexpected:
        lines = []
        for problems in (shapes, missing, unexpected):
            lines += problems[:_MAX_LISTED]
            if len(problems) > _MAX_LISTED:
                lines.append(f'... and {len(problems) - _MAX_LISTED} more')
        raise MdistillerCheckpointError(
            f'The checkpoint does not fit mdistiller {arch!r}: '
            f'{len(shapes)} shape mismatch(es), {len(missing)} missing and '
            f'{len(unexpected)} unexpected key(s):\n  ' + '\n  '.join(lines))
    return OrderedDict((key, converted[key]) for key in target)


def build_mdistiller_classifier(arch: str,
                                num_classes: Optional[int] = None
                                ) -> nn.Module:
    """Build the zkd_mm ``ImageClassifier`` of an mdistiller model.

    Args:
        arch (str): mdistiller's model name.
        num_classes (int, optional): Classes of the head. Defaults to the
            benchmark's (100 for CIFAR models, 1000 for ImageNet ones).

    Returns:
        nn.Module: The mmpretrain ``ImageClassifier``.
    """
    from mmpretrain.registry import MODELS
    return MODELS.build(get_mdistiller_arch(arch).classifier_cfg(num_classes))


def _source_meta(checkpoint: Any) -> Dict[str, Any]:
    """The checkpoint's ``epoch`` / ``accuracy`` / ``best_acc`` scalars."""
    meta: Dict[str, Any] = {}
    if not isinstance(checkpoint, Mapping):
        return meta
    for key in _SOURCE_META_KEYS:
        value = checkpoint.get(key)
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = value.item()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            meta[key] = value
    return meta


def convert_mdistiller_checkpoint(checkpoint: Any,
                                  arch: str,
                                  num_classes: Optional[int] = None,
                                  meta: Optional[Dict] = None) -> Dict:
    """Convert an mdistiller checkpoint to a zkd_mm classifier checkpoint.

    The state dict is renamed, checked key by key and loaded strictly into
    the zkd_mm classifier built by :func:`build_mdistiller_classifier`.

    Args:
        checkpoint: What ``torch.load`` returned for the mdistiller file
            (see :func:`mdistiller_state_dict`).
        arch (str): mdistiller's model name, e.g. ``'resnet32x4'``.
        num_classes (int, optional): Classes of the head. Defaults to the
            benchmark's.
        meta (dict, optional): Extra entries for the result's ``meta``.

    Returns:
        dict: ``{'meta': ..., 'state_dict': ...}``, loadable by mmengine's
        ``load_checkpoint`` into the ``ImageClassifier`` of
        ``get_mdistiller_arch(arch).classifier_cfg(num_classes)``. ``meta``
        holds ``mdistiller`` (``arch`` plus the source's ``epoch``,
        ``accuracy``, ``best_acc`` where present) and ``num_classes``.

    Raises:
        KeyError: For an unknown ``arch``.
        MdistillerCheckpointError: If the checkpoint does not fit.
    """
    spec = get_mdistiller_arch(arch)
    state_dict = mdistiller_state_dict(checkpoint)
    model = build_mdistiller_classifier(arch, num_classes)
    converted = convert_mdistiller_state_dict(state_dict, arch,
                                              model.state_dict())
    model.load_state_dict(converted, strict=True)
    info = dict(arch=arch, **_source_meta(checkpoint))
    full_meta = dict(
        mdistiller=info,
        num_classes=spec.num_classes if num_classes is None else num_classes)
    full_meta.update(meta or {})
    return dict(meta=full_meta, state_dict=model.state_dict())
