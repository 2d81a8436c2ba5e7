# Copyright (c) zkd_mm contributors. All rights reserved.
from .distill_loss_warmup_hook import DistillLossWarmupHook
from .replica_consistency_hook import ReplicaConsistencyHook

__all__ = ['DistillLossWarmupHook', 'ReplicaConsistencyHook']
