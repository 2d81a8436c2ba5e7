# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CheckedSingleTeacherDistill``: a frozen teacher that is known to fit."""
from typing import Dict, Optional, Union

import torch.nn as nn
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmrazor.models.algorithms import SingleTeacherDistill
from mmrazor.registry import MODELS

from .teacher_checkpoint import load_teacher_checkpoint


def _num_classes(model: nn.Module) -> Optional[int]:
    head = getattr(model, 'head', None)
    return getattr(head, 'num_classes', None)


@MODELS.register_module()
class CheckedSingleTeacherDistill(SingleTeacherDistill):
    """MMRazor's ``SingleTeacherDistill`` with checks on the teacher.

    - The teacher checkpoint is checked before loading (see
      :func:`load_teacher_checkpoint`): missing and unexpected keys are
      logged, and a checkpoint with the wrong prefix, of another
      architecture, or with too few matching keys is an error instead of a
      silently random teacher.
    - Student and teacher heads must predict the same number of classes.
    - A frozen teacher (``teacher_trainable=False``, the default) is kept in
      eval mode as a whole (dropout and drop-path too, not only its norm
      layers) and runs without gradients.

    Args:
        distiller (dict): The distiller config.
        teacher (dict | BaseModel): The teacher model or its config.
        teacher_ckpt (str, optional): Path or URL of the teacher checkpoint.
            ``None`` leaves the teacher randomly initialized (with a
            warning), which is only useful for tests.
        teacher_ckpt_prefix (str, optional): Keep only checkpoint keys with
            this prefix and strip it (e.g. ``'teacher.'``).
        teacher_ckpt_min_matched_ratio (float): Fraction of teacher keys
            that the checkpoint must provide. Defaults to 1.0.
        **kwargs: The other arguments of ``SingleTeacherDistill``.
    """

    def __init__(self,
                 distiller: dict,
                 teacher: Union[BaseModel, Dict],
                 teacher_ckpt: Optional[str] = None,
                 teacher_ckpt_prefix: Optional[str] = None,
                 teacher_ckpt_min_matched_ratio: float = 1.0,
                 **kwargs) -> None:
        super().__init__(distiller, teacher, teacher_ckpt=None, **kwargs)
        student_classes = _num_classes(self.student)
        teacher_classes = _num_classes(self.teacher)
        if None not in (student_classes, teacher_classes) and (
                student_classes != teacher_classes):
            raise ValueError(
                f'The student head predicts {student_classes} classes but '
                f'the teacher head predicts {teacher_classes}; logit '
                'distillation needs the same classes on both sides. Set '
                'num_classes of both heads to the dataset\'s class count.')
        if teacher_ckpt:
            load_teacher_checkpoint(self.teacher, teacher_ckpt,
                                    teacher_ckpt_prefix,
                                    teacher_ckpt_min_matched_ratio)
            self.teacher._is_init = True
        else:
            MMLogger.get_current_instance().warning(
                'CheckedSingleTeacherDistill: no teacher_ckpt, so the '
                'teacher is randomly initialized.')
        self.teacher_ckpt = teacher_ckpt

    def train(self, mode: bool = True) -> 'CheckedSingleTeacherDistill':
        """Set train/eval mode; a frozen teacher always stays in eval."""
        super().train(mode)
        if not self.teacher_trainable:
            self.teacher.eval()
        return self
