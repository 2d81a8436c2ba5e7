# Copyright (c) zkd_mm contributors. All rights reserved.
"""Helpers shared by zkd_mm's models and engine."""
from .state_dict_diff import (CheckpointMismatchError, StateDictDiff,
                              check_checkpoint_fits, diff_state_dict,
                              preview)

__all__ = [
    'StateDictDiff', 'diff_state_dict', 'check_checkpoint_fits',
    'CheckpointMismatchError', 'preview'
]
