# Copyright (c) zkd_mm contributors. All rights reserved.
"""``LogitStandardizedDistiller``: Z-score logits before any distill loss."""
from typing import List, Optional, Sequence

import torch
from mmrazor.models.distillers import ConfigurableDistiller
from mmrazor.registry import MODELS

from ..functional.zscore import DEFAULT_EPS, zscore
from ..losses.plumbing import check_number


@MODELS.register_module()
class LogitStandardizedDistiller(ConfigurableDistiller):
    """A ``ConfigurableDistiller`` that standardizes named logit records.

    Every record read from a recorder named in ``standardized_recorders``,
    on the student's side and on the teacher's side alike, is Z-scored per
    sample over dim 1 before it reaches a connector or a distill loss. So any
    MMRazor logit loss (``KLDivergence``, ``DKDLoss``, ``DISTLoss``,
    ``WSLD``, ...) gets the pre-process of `Logit Standardization in
    Knowledge Distillation <https://arxiv.org/abs/2403.01427>`_ with no new
    loss class. Other recorders (labels, features) pass through untouched,
    and the student's own task loss still sees raw logits: only what the
    distiller hands to its losses changes.

    Args:
        standardized_recorders (Sequence[str]): Names of logit recorders to
            standardize. Each must exist in both ``student_recorders`` and
            ``teacher_recorders``, so that both sides are always
            standardized together.
        eps (float): Added to each std. Defaults to 1e-7.
        **kwargs: The arguments of ``ConfigurableDistiller``
            (``student_recorders``, ``teacher_recorders``,
            ``distill_losses``, ``loss_forward_mappings``, ...).
    """

    def __init__(self,
                 standardized_recorders: Sequence[str],
                 eps: float = DEFAULT_EPS,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(standardized_recorders, str):
            standardized_recorders = [standardized_recorders]
        if not standardized_recorders:
            raise ValueError(
                'LogitStandardizedDistiller: standardized_recorders is '
                'empty; name the logit recorders to standardize, e.g. '
                "standardized_recorders=['fc'].")
        for side, manager in (('student', self.student_recorders),
                              ('teacher', self.teacher_recorders)):
            known = sorted(manager.recorders)
            missing = [n for n in standardized_recorders if n not in known]
            if missing:
                raise ValueError(
                    f'LogitStandardizedDistiller: standardized_recorders '
                    f'{missing} are not {side}_recorders (those are '
                    f'{known}). Both sides need a recorder of that name.')
        self.standardized_recorders: List[str] = list(standardized_recorders)
        check_number('LogitStandardizedDistiller', 'eps', eps, 'non-negative')
        self.eps = eps

    def get_record(self,
                   recorder: str,
                   from_student: bool,
                   record_idx: int = 0,
                   data_idx: Optional[int] = None,
                   connector: Optional[str] = None,
                   connector_idx: Optional[int] = None) -> torch.Tensor:
        """Read a record; standardize it first if its recorder is named."""
        record = super().get_record(recorder, from_student, record_idx,
                                    data_idx)
        if recorder in self.standardized_recorders:
            record = zscore(record, dim=1, eps=self.eps)
        if connector:
            record = self.connectors[connector](record)
        if connector_idx is not None:
            record = record[connector_idx]
        return record
