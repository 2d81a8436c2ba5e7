# Copyright (c) zkd_mm contributors. All rights reserved.
"""Load a teacher checkpoint, and fail clearly when it does not fit."""
import re
from collections import Counter
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmengine.logging import MMLogger
from mmengine.runner import CheckpointLoader

from ..utils import diff_state_dict, preview


class TeacherCheckpointError(ValueError):
    """The teacher checkpoint does not fit the teacher model."""


def _state_dict_of(checkpoint) -> Dict[str, torch.Tensor]:
    if isinstance(checkpoint, dict) and isinstance(
            checkpoint.get('state_dict'), dict):
        checkpoint = checkpoint['state_dict']
    if not isinstance(checkpoint, dict) or not all(
            isinstance(v, torch.Tensor) for v in checkpoint.values()):
        raise TeacherCheckpointError(
            'The teacher checkpoint holds neither a state dict nor a dict '
            "with a 'state_dict' entry.")
    return {re.sub(r'^module\.', '', k): v for k, v in checkpoint.items()}


def _guess_prefix(keys: List[str], expected: Dict[str, torch.Tensor]) -> str:
    """The leading key component whose removal makes most keys match."""
    best, best_hits = '', 0
    for first, _ in Counter(k.split('.', 1)[0] for k in keys).most_common(5):
        prefix = first + '.'
        hits = sum(k[len(prefix):] in expected for k in keys
                   if k.startswith(prefix))
        if hits > best_hits:
            best, best_hits = prefix, hits
    return best


def _has_torchvision_resnet_keys(state: Dict[str, torch.Tensor]) -> bool:
    return {'conv1.weight', 'fc.weight'} <= set(state) and any(
        key.startswith('layer1.') for key in state)


def load_teacher_checkpoint(teacher: nn.Module,
                            filename: str,
                            prefix: Optional[str] = None,
                            min_matched_ratio: float = 1.0) -> None:
    """Load ``filename`` into ``teacher`` after checking that it fits.

    Missing and unexpected keys are logged. It raises instead of loading
    when any key's shape differs (another architecture or class count), or
    when fewer than ``min_matched_ratio`` of the teacher's keys (ignoring
    ``num_batches_tracked``) are found, e.g. because of a prefix.

    Args:
        teacher (nn.Module): The teacher model.
        filename (str): Path or URL, anything mmengine can load.
        prefix (str, optional): Keep only keys with this prefix and strip
            it, e.g. ``'teacher.'`` for a distillation checkpoint.
        min_matched_ratio (float): Fraction of the teacher's keys that must
            be found. Defaults to 1.0.

    Raises:
        TeacherCheckpointError: With what did not fit and how to fix it.
    """
    logger = MMLogger.get_current_instance()
    state = _state_dict_of(
        CheckpointLoader.load_checkpoint(filename, map_location='cpu'))
    if prefix:
        state = {
            k[len(prefix):]: v
            for k, v in state.items() if k.startswith(prefix)
        }
        if not state:
            raise TeacherCheckpointError(
                f'No key of teacher checkpoint {filename} starts with '
                f'teacher_ckpt_prefix {prefix!r}.')
    expected = teacher.state_dict()
    diff = diff_state_dict(expected, state)
    if diff.mismatched:
        raise TeacherCheckpointError(
            f'Teacher checkpoint {filename} has {len(diff.mismatched)} '
            'tensors whose shapes differ from the teacher model: '
            f'{preview(diff.mismatched)}. The checkpoint is for another '
            'architecture or class count; fix model.teacher or '
            'model.teacher_ckpt.')
    if diff.matched < min_matched_ratio * diff.required:
        hint = 'it looks like a checkpoint of another architecture'
        guessed = _guess_prefix(diff.unexpected, expected)
        if _has_torchvision_resnet_keys(state):
            hint = ("its keys are torchvision's (conv1.weight, "
                    'layer1.0.conv1.weight, fc.weight): convert it with '
                    'python tools/model_converters/'
                    'torchvision_resnet_to_mmpretrain.py SRC DST --depth N')
        elif guessed:
            hint = (f'its keys carry the prefix {guessed!r}: set '
                    f"model.teacher_ckpt_prefix='{guessed}'")
        raise TeacherCheckpointError(
            f'Teacher checkpoint {filename} does not fit the teacher: '
            f'{diff.summary()}; {hint}.')
    if diff.missing:
        logger.warning(f'Teacher checkpoint: missing keys {diff.missing}')
    if diff.unexpected:
        logger.warning(
            f'Teacher checkpoint: unexpected keys {diff.unexpected}')
    teacher.load_state_dict(
        {k: v for k, v in state.items() if k in expected}, strict=False)
    logger.info(f'Loaded teacher checkpoint {filename}: {diff.matched}/'
                f'{diff.required} keys matched.')
