# Copyright (c) zkd_mm contributors. All rights reserved.
"""Training-time components: hooks and distributed-runner helpers."""
from .hooks import *  # noqa: F401,F403
