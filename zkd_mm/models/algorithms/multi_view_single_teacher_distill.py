# Copyright (c) zkd_mm contributors. All rights reserved.
"""``MultiViewSingleTeacherDistill``: teacher and student on every view."""
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.structures import BaseDataElement
from mmrazor.registry import MODELS

from .checked_single_teacher_distill import CheckedSingleTeacherDistill


@MODELS.register_module()
class MultiViewSingleTeacherDistill(CheckedSingleTeacherDistill):
    """Single-teacher distillation on several augmented views per image.

    Methods such as MLKD (Jin et al., CVPR 2023) train on a weak and a
    strong view of each image. The training pipeline makes the views
    (mmpretrain's ``MultiView``), ``MultiViewDataPreprocessor`` stacks them,
    and this algorithm runs the teacher (as
    :class:`CheckedSingleTeacherDistill` does: ``mode='tensor'`` without
    gradients, unless trainable) and then the student on each view in turn,
    all inside one recording context. A recorder therefore holds one record
    per view, in view order: select a view in ``loss_forward_mappings``
    with ``record_idx`` (0 for the first view, 1 for the second, ...).

    The student's own loss (the head's CE on the raw logits) is computed on
    every view and logged as ``student.<view>.loss``; they are summed, as
    MLKD's ``CE(weak) + CE(strong)``. Validation and testing see one view
    and work as in ``CheckedSingleTeacherDistill``.

    Args:
        view_names (Sequence[str]): One name per view, used in the loss
            names. Defaults to ('weak', 'strong').
        **kwargs: The arguments of ``CheckedSingleTeacherDistill``.
    """

    def __init__(self,
                 *args,
                 view_names: Sequence[str] = ('weak', 'strong'),
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if len(set(view_names)) != len(view_names) or not view_names:
            raise ValueError('MultiViewSingleTeacherDistill: view_names must '
                             f'be distinct and non-empty, got {view_names}.')
        self.view_names = tuple(view_names)

    def _views(self, batch_inputs: Union[torch.Tensor, List[torch.Tensor]]
               ) -> List[torch.Tensor]:
        if isinstance(batch_inputs, torch.Tensor) or len(
                batch_inputs) != len(self.view_names):
            got = ('one tensor' if isinstance(batch_inputs, torch.Tensor) else
                   f'{len(batch_inputs)} views')
            raise ValueError(
                f'MultiViewSingleTeacherDistill expects '
                f'{len(self.view_names)} views per image '
                f'({", ".join(self.view_names)}), got {got}. Wrap the '
                "training pipeline's augmentations in mmpretrain's "
                "MultiView (before PackInputs) with one transform list per "
                'view, and use MultiViewDataPreprocessor.')
        return list(batch_inputs)

    def loss(self,
             batch_inputs: Union[torch.Tensor, List[torch.Tensor]],
             data_samples: Optional[List[BaseDataElement]] = None
             ) -> Dict[str, torch.Tensor]:
        """Losses of one batch: per-view student losses and distill losses.

        Args:
            batch_inputs (list[torch.Tensor]): One (N, C, H, W) tensor per
                view.
            data_samples (list[BaseDataElement], optional): Shared by all
                views.

        Returns:
            dict[str, torch.Tensor]: The losses.
        """
        return self._view_losses(
            list(zip(self.view_names, self._views(batch_inputs))),
            data_samples)
