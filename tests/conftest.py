# Copyright (c) zkd_mm contributors. All rights reserved.
"""Shared test set-up."""
import os

# Tests must prove that checkpoints load *without* this escape hatch.
os.environ.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)
