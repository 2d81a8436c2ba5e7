# Copyright (c) zkd_mm contributors. All rights reserved.
"""Checkpoints of the paper's official code (mdistiller) for zkd_mm.

:data:`MDISTILLER_ARCHS` maps mdistiller's model names to the configs of
zkd_mm's backbones (:mod:`zkd_mm.models.backbones`), and
:func:`convert_mdistiller_checkpoint` renames an mdistiller state dict to
the keys of the mmpretrain ``ImageClassifier`` built from such a config.
"""
from .mdistiller_keys import (MdistillerCheckpointError,
                              build_mdistiller_classifier,
                              convert_mdistiller_checkpoint,
                              convert_mdistiller_state_dict,
                              mdistiller_state_dict, mdistiller_to_zkd_key,
                              zkd_to_mdistiller_key)
from .mdistiller_names import (MDISTILLER_ARCHS, MDISTILLER_CIFAR_ARCHS,
                               MdistillerArch, get_mdistiller_arch)

__all__ = [
    'MDISTILLER_ARCHS', 'MDISTILLER_CIFAR_ARCHS', 'MdistillerArch',
    'get_mdistiller_arch', 'MdistillerCheckpointError',
    'build_mdistiller_classifier', 'convert_mdistiller_checkpoint',
    'convert_mdistiller_state_dict', 'mdistiller_state_dict',
    'mdistiller_to_zkd_key', 'zkd_to_mdistiller_key'
]
