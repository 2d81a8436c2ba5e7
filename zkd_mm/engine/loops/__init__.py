# Copyright (c) zkd_mm contributors. All rights reserved.
"""Training loops, registered in MMRazor's ``LOOPS``."""
from .resumable_epoch_loop import (ResumableEpochBasedTrainLoop,
                                   record_mid_epoch_state)

__all__ = ['ResumableEpochBasedTrainLoop', 'record_mid_epoch_state']
