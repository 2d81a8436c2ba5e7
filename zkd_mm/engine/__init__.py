# Copyright (c) zkd_mm contributors. All rights reserved.
"""Training-time components: hooks, loops and run set-up."""
from .hooks import *  # noqa: F401,F403
from .loops import *  # noqa: F401,F403
