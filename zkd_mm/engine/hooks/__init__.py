# Copyright (c) zkd_mm contributors. All rights reserved.
from .ctkd_curriculum_hook import CTKDCurriculumHook, cosine_curriculum
from .distill_loss_warmup_hook import DistillLossWarmupHook
from .replica_consistency_hook import ReplicaConsistencyHook

__all__ = [
    'CTKDCurriculumHook', 'DistillLossWarmupHook', 'ReplicaConsistencyHook',
    'cosine_curriculum'
]
