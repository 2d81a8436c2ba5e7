# Copyright (c) zkd_mm contributors. All rights reserved.
"""Compare a checkpoint's state dict with a model's, and say what differs."""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Mapping

import torch
import torch.nn as nn

# Buffers that some published checkpoints lack without harm.
OPTIONAL_KEY = re.compile(r'(^|\.)num_batches_tracked$')
STUDENT_PREFIX = 'architecture.'
TEACHER_PREFIX = 'teacher.'
_PREVIEW = 5


class CheckpointMismatchError(ValueError):
    """A checkpoint does not fit the model it is loaded into."""


def preview(keys: List[str], count: int = _PREVIEW) -> str:
    """The first ``count`` keys, then how many more."""
    more = len(keys) - count
    return ', '.join(keys[:count]) + (f' (+{more} more)' if more > 0 else '')


@dataclass
class StateDictDiff:
    """How a loaded state dict differs from the expected one.

    ``required`` counts the expected keys except the optional
    ``num_batches_tracked`` buffers, and so does ``missing``; ``matched`` is
    the number of required keys found with the expected shape.
    """

    required: int
    matched: int
    missing: List[str] = field(default_factory=list)
    unexpected: List[str] = field(default_factory=list)
    mismatched: List[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        """Whether every key fits and nothing is left over."""
        return not (self.missing or self.unexpected or self.mismatched)

    def summary(self) -> str:
        """One sentence with the counts and the first keys of each kind."""
        parts = [f'{self.matched} of {self.required} keys match']
        if self.mismatched:
            parts.append(f'{len(self.mismatched)} have other shapes '
                         f'({preview(self.mismatched)})')
        if self.missing:
            parts.append(
                f'{len(self.missing)} are missing ({preview(self.missing)})')
        if self.unexpected:
            parts.append(f'{len(self.unexpected)} are unexpected '
                         f'({preview(self.unexpected)})')
        return '; '.join(parts)


def diff_state_dict(expected: Mapping[str, torch.Tensor],
                    loaded: Mapping[str, torch.Tensor]) -> StateDictDiff:
    """Compare ``loaded`` with ``expected`` key by key and shape by shape."""
    mismatched = [
        f'{key}: checkpoint {tuple(loaded[key].shape)} vs model '
        f'{tuple(value.shape)}' for key, value in expected.items()
        if key in loaded and loaded[key].shape != value.shape
    ]
    required = [key for key in expected if not OPTIONAL_KEY.search(key)]
    return StateDictDiff(
        required=len(required),
        matched=sum(key in loaded and loaded[key].shape == expected[key].shape
                    for key in required),
        missing=[key for key in required if key not in loaded],
        unexpected=[key for key in loaded if key not in expected],
        mismatched=mismatched)


def _strip_module(state: Mapping[str, torch.Tensor]) -> Dict:
    return {re.sub(r'^module\.', '', k): v for k, v in state.items()}


def _hint(expected: Mapping, loaded: Mapping) -> str:
    model_is_distill = any(k.startswith(STUDENT_PREFIX) for k in expected)
    ckpt_is_distill = any(k.startswith(STUDENT_PREFIX) for k in loaded)
    if model_is_distill and not ckpt_is_distill and all(
            STUDENT_PREFIX + k in expected for k in loaded):
        return ('It is a student-only checkpoint (as '
                'tools/model_converters/convert_kd_ckpt_to_student.py '
                'writes): test it with the config of the student alone, '
                'e.g. the mmpretrain config of that architecture.')
    if ckpt_is_distill and not model_is_distill:
        return ('It is a distillation checkpoint: use the distillation '
                'config it was trained with, or extract the student with '
                'tools/model_converters/convert_kd_ckpt_to_student.py.')
    return ('It was saved from another model: use the config it was '
            'trained with. To start a new training from its weights, set '
            'load_from without --resume.')


def check_checkpoint_fits(model: nn.Module, state_dict: Mapping[str,
                                                                torch.Tensor],
                          source: str) -> None:
    """Check that a resume or test checkpoint fits ``model`` exactly.

    Every key of the model must be in the checkpoint with its shape, and
    the checkpoint must hold nothing else. A distillation checkpoint
    without any ``teacher.`` key is accepted for the teacher's part (the
    teacher then comes from ``teacher_ckpt``); one with teacher keys must
    hold all of them.

    Args:
        model (nn.Module): The model (unwrapped from DDP).
        state_dict (Mapping[str, torch.Tensor]): The checkpoint's.
        source (str): The checkpoint, named in the error.

    Raises:
        CheckpointMismatchError: Naming the keys that do not fit and which
            config would.
    """
    loaded = _strip_module(state_dict)
    expected = model.state_dict()
    if not any(k.startswith(TEACHER_PREFIX) for k in loaded):
        expected = {
            k: v
            for k, v in expected.items() if not k.startswith(TEACHER_PREFIX)
        }
    diff = diff_state_dict(expected, loaded)
    if diff.exact:
        return
    raise CheckpointMismatchError(
        f'Checkpoint {source} does not fit the model of this config: '
        f'{diff.summary()}. {_hint(expected, loaded)}')
