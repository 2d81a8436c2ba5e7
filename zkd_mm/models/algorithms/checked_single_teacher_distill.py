# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CheckedSingleTeacherDistill``: a frozen teacher that is known to fit."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from mmrazor.models.algorithms import SingleTeacherDistill
from mmrazor.models.utils import add_prefix
from mmrazor.registry import MODELS

from ..losses.plumbing import check_distill_losses, detached
from .teacher_checkpoint import load_teacher_checkpoint


def _builds_pretrained(teacher: Union[BaseModel, Dict]) -> bool:
    """Whether a teacher config loads weights itself when it is built."""
    if not isinstance(teacher, dict):
        return False
    init_cfg = teacher.get('init_cfg') or {}
    return bool(teacher.get('pretrained')) or (
        isinstance(init_cfg, dict) and init_cfg.get('type') == 'Pretrained')


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
    - Distill loss arguments that MMRazor accepts but that train wrongly
      are errors (:func:`check_distill_losses`: negative weights, DKD's
      batch-sum reductions).
    - Student and teacher heads must predict the same number of classes.
    - A frozen teacher (``teacher_trainable=False``, the default) is kept in
      eval mode as a whole (dropout and drop-path too, not only its norm
      layers) and runs without gradients in ``mode='tensor'``: its logits
      are recorded and no loss of its own is computed (MMRazor runs it in
      ``mode='loss'`` and discards the CE). Teacher recorders therefore see
      the forward only (``head.fc`` and the like), not the head's loss
      module. A trainable teacher runs in ``mode='loss'`` and its losses
      are logged as ``teacher.*``.
    - Each iteration's losses are kept, detached, as ``last_losses``: when
      ``FiniteCheckHook`` finds non-finite gradients it names the losses
      and the recorded inputs (side, samples) that caused them.
    - ``student_trainable=False`` runs the student without gradients
      whether or not its own loss is computed (MMRazor honours it only
      without the student loss). The student always runs in
      ``mode='loss'``, so that recorders of its loss module (DKD's labels)
      see the batch; ``calculate_student_loss=False`` drops that loss.

    Args:
        distiller (dict): The distiller config.
        teacher (dict | BaseModel): The teacher model or its config.
        teacher_ckpt (str, optional): Path or URL of the teacher checkpoint.
            Required unless the teacher is built ``pretrained`` (or with a
            ``Pretrained`` ``init_cfg``), its weights come from
            ``teacher_from_checkpoint``, or ``allow_random_teacher`` is set.
        teacher_ckpt_prefix (str, optional): Keep only checkpoint keys with
            this prefix and strip it (e.g. ``'teacher.'``).
        teacher_ckpt_min_matched_ratio (float): Fraction of teacher keys
            that the checkpoint must provide. Defaults to 1.0.
        teacher_from_checkpoint (str, optional): A resume or test
            checkpoint of this whole algorithm that holds the teacher; the
            Runner loads the teacher's weights from it, so ``teacher_ckpt``
            is not read. zkd_mm's tools set it. Defaults to None.
        allow_random_teacher (bool): Train or test with a randomly
            initialized teacher on purpose (smoke tests). Defaults to False.
        **kwargs: The other arguments of ``SingleTeacherDistill``.
    """

    def __init__(self,
                 distiller: dict,
                 teacher: Union[BaseModel, Dict],
                 teacher_ckpt: Optional[str] = None,
                 teacher_ckpt_prefix: Optional[str] = None,
                 teacher_ckpt_min_matched_ratio: float = 1.0,
                 teacher_from_checkpoint: Optional[str] = None,
                 allow_random_teacher: bool = False,
                 **kwargs) -> None:
        pretrained = _builds_pretrained(teacher)
        super().__init__(distiller, teacher, teacher_ckpt=None, **kwargs)
        check_distill_losses(self.distiller.distill_losses)
        student_classes = _num_classes(self.student)
        teacher_classes = _num_classes(self.teacher)
        if None not in (student_classes, teacher_classes) and (
                student_classes != teacher_classes):
            raise ValueError(
                f'The student head predicts {student_classes} classes but '
                f'the teacher head predicts {teacher_classes}; logit '
                'distillation needs the same classes on both sides. Set '
                'num_classes of both heads to the dataset\'s class count.')
        logger = MMLogger.get_current_instance()
        if teacher_ckpt == '':
            raise ValueError(
                'model.teacher_ckpt is an empty string; set it to the '
                "teacher's checkpoint (a path or URL).")
        if teacher_from_checkpoint:
            logger.info(
                'CheckedSingleTeacherDistill: the teacher\'s weights are '
                f'loaded from {teacher_from_checkpoint}, which holds the '
                'whole algorithm; teacher_ckpt is not read.')
            self.teacher.is_init = True
        elif teacher_ckpt:
            load_teacher_checkpoint(self.teacher, teacher_ckpt,
                                    teacher_ckpt_prefix,
                                    teacher_ckpt_min_matched_ratio)
            self.teacher.is_init = True
        elif allow_random_teacher:
            logger.warning(
                'CheckedSingleTeacherDistill: allow_random_teacher=True, so '
                'the teacher is randomly initialized.')
        elif not pretrained:
            raise ValueError(
                'CheckedSingleTeacherDistill: the teacher has no weights: '
                'model.teacher_ckpt is not set and the teacher is not built '
                'pretrained, so the student would learn from a random '
                'teacher. Set model.teacher_ckpt to the teacher checkpoint, '
                'or model.allow_random_teacher=True to use a random teacher '
                'on purpose.')
        self.teacher_ckpt = teacher_ckpt

    def loss(self,
             batch_inputs: torch.Tensor,
             data_samples: Optional[List[BaseDataElement]] = None
             ) -> Dict[str, torch.Tensor]:
        """Losses of one batch: the student's own and the distill losses.

        Args:
            batch_inputs (torch.Tensor): The preprocessed inputs.
            data_samples (list[BaseDataElement], optional): Their samples.

        Returns:
            dict[str, torch.Tensor]: ``student.*``, ``distill.*`` (and
            ``teacher.*`` for a trainable teacher).
        """
        return self._view_losses([(None, batch_inputs)], data_samples)

    def _view_losses(self, views: Sequence[Tuple[Optional[str],
                                                 torch.Tensor]],
                     data_samples: Optional[List[BaseDataElement]]
                     ) -> Dict[str, torch.Tensor]:
        """Teacher, then student, on each named view, in one recording
        context each; then the distill losses."""

        def prefix(model: str, view: Optional[str]) -> str:
            return model if view is None else f'{model}.{view}'

        losses: Dict[str, torch.Tensor] = {}
        self.distiller.set_deliveries_override(False)
        with self.distiller.teacher_recorders, self.distiller.deliveries:
            for name, view in views:
                if self.teacher_trainable:
                    losses.update(add_prefix(
                        self.teacher(view, data_samples, mode='loss'),
                        prefix('teacher', name)))
                else:
                    with torch.no_grad():
                        self.teacher(view, data_samples, mode='tensor')
        self.distiller.set_deliveries_override(True)
        with self.distiller.student_recorders, self.distiller.deliveries:
            for name, view in views:
                with torch.set_grad_enabled(torch.is_grad_enabled()
                                            and self.student_trainable):
                    student_losses = self.student(view, data_samples,
                                                  mode='loss')
                if self.calculate_student_loss:
                    losses.update(add_prefix(student_losses,
                                             prefix('student', name)))
        if not self.distillation_stopped:
            losses.update(add_prefix(self.distiller.compute_distill_losses(),
                                     'distill'))
        # For FiniteCheckHook's one check per iteration (no sync here).
        self.last_losses = detached(losses)
        return losses

    def train(self, mode: bool = True) -> 'CheckedSingleTeacherDistill':
        """Set train/eval mode; a frozen teacher always stays in eval."""
        super().train(mode)
        if not self.teacher_trainable:
            self.teacher.eval()
        return self
