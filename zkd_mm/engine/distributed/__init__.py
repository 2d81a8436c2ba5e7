# Copyright (c) zkd_mm contributors. All rights reserved.
"""Process-group helpers of the tools: CPU launches and a clean exit."""
from .cpu_distributed import (init_cpu_dist, setup_distributed,
                              uses_cpu_distributed)
from .distributed_exit import finish_distributed

__all__ = [
    'setup_distributed', 'init_cpu_dist', 'uses_cpu_distributed',
    'finish_distributed'
]
