# Copyright (c) zkd_mm contributors. All rights reserved.
"""Load a teacher checkpoint, and fail clearly when it does not fit."""
import re
from collections import Counter
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmengine.logging import MMLogger
from mmengine.runner import CheckpointLoader

# Buffers that some published checkpoints lack without harm.
_OPTIONAL_KEY = re.compile(r'(^|\.)num_batches_tracked$')


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


def _preview(keys: List[str]) -> str:
    return ', '.join(keys[:5]) + (f' (+{len(keys) - 5} more)'
                                  if len(keys) > 5 else '')


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
    mismatched = [
        f'{k}: checkpoint {tuple(state[k].shape)} vs teacher '
        f'{tuple(v.shape)}' for k, v in expected.items()
        if k in state and state[k].shape != v.shape
    ]
    if mismatched:
        raise TeacherCheckpointError(
            f'Teacher checkpoint {filename} has {len(mismatched)} tensors '
            f'whose shapes differ from the teacher model: '
            f'{_preview(mismatched)}. The checkpoint is for another '
            'architecture or class count; fix model.teacher or '
            'model.teacher_ckpt.')
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    required = [k for k in expected if not _OPTIONAL_KEY.search(k)]
    found = sum(k in state for k in required)
    if found < min_matched_ratio * len(required):
        hint = 'it looks like a checkpoint of another architecture'
        guessed = _guess_prefix(unexpected, expected)
        if guessed:
            hint = (f'its keys carry the prefix {guessed!r}: set '
                    f"model.teacher_ckpt_prefix='{guessed}'")
        raise TeacherCheckpointError(
            f'Teacher checkpoint {filename} matches only {found} of the '
            f'{len(required)} teacher keys; {hint}. Missing: '
            f'{_preview(missing)}. Unexpected: {_preview(unexpected)}.')
    if missing:
        logger.warning(f'Teacher checkpoint: missing keys {missing}')
    if unexpected:
        logger.warning(f'Teacher checkpoint: unexpected keys {unexpected}')
    teacher.load_state_dict(
        {k: v for k, v in state.items() if k in expected}, strict=False)
    logger.info(f'Loaded teacher checkpoint {filename}: {found}/'
                f'{len(required)} keys matched.')
