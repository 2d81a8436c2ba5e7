# Copyright (c) zkd_mm contributors. All rights reserved.
"""Helpers shared by zkd_mm's command-line tools, and the lookup of
``zkd_mm::<folder>/<name>.py`` configs (:mod:`.mim_lookup`)."""
from .cfg_options import (add_cfg_options_arguments, apply_cfg_options,
                          check_cfg_options, unknown_cfg_option_keys)

__all__ = [
    'add_cfg_options_arguments', 'apply_cfg_options', 'check_cfg_options',
    'unknown_cfg_option_keys'
]
