# Copyright (c) zkd_mm contributors. All rights reserved.
from .atomic_checkpoint_hook import AtomicCheckpointHook
from .ctkd_curriculum_hook import CTKDCurriculumHook, cosine_curriculum
from .distill_loss_warmup_hook import DistillLossWarmupHook
from .finite_check_hook import FiniteCheckHook
from .preemption_hook import (PREEMPTED_EXIT_CODE, PreemptionHook,
                              TrainingPreempted)
from .strict_load_hook import StrictLoadHook

__all__ = [
    'AtomicCheckpointHook', 'CTKDCurriculumHook', 'DistillLossWarmupHook',
    'FiniteCheckHook', 'PreemptionHook', 'PREEMPTED_EXIT_CODE',
    'StrictLoadHook', 'TrainingPreempted', 'cosine_curriculum'
]
