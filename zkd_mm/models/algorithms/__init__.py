# Copyright (c) zkd_mm contributors. All rights reserved.
"""Distillation algorithms, registered in MMRazor's ``MODELS``."""
from .checked_single_teacher_distill import CheckedSingleTeacherDistill
from .multi_view_single_teacher_distill import MultiViewSingleTeacherDistill
from .teacher_checkpoint import TeacherCheckpointError, load_teacher_checkpoint

__all__ = [
    'CheckedSingleTeacherDistill', 'MultiViewSingleTeacherDistill',
    'TeacherCheckpointError',
    'load_teacher_checkpoint'
]
