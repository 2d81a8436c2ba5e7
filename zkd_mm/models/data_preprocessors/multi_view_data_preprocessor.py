# Copyright (c) zkd_mm contributors. All rights reserved.
"""``MultiViewDataPreprocessor``: one preprocessor, applied to each view."""
from typing import List, Optional

import torch
from mmengine.model import BaseDataPreprocessor
from mmrazor.registry import MODELS


def _is_multi_view(inputs) -> bool:
    """Whether collated ``inputs`` hold several views of each sample.

    mmpretrain's ``MultiView`` transform followed by ``PackInputs`` gives
    each sample a list of view tensors; ``pseudo_collate`` turns the batch
    into one sequence of tensors per view.
    """
    return (isinstance(inputs, (list, tuple)) and len(inputs) > 0
            and all(isinstance(view, (list, tuple)) for view in inputs))


@MODELS.register_module()
class MultiViewDataPreprocessor(BaseDataPreprocessor):
    """Run an image data preprocessor on every view of a multi-view batch.

    Training pipelines that end in mmpretrain's ``MultiView`` (e.g. MLKD's
    weak and strong views) give each sample a list of images. This wrapper
    normalizes and stacks each view with the wrapped preprocessor and
    returns ``inputs`` as a list of (N, C, H, W) tensors, one per view, in
    the order of ``MultiView``'s transforms; the data samples are shared.
    Single-view batches (validation and test) are passed to the wrapped
    preprocessor unchanged.

    Args:
        preprocessor (dict): The per-view preprocessor, e.g.
            ``dict(type='ImgDataPreprocessor', mean=..., std=...)``. Batch
            augments (mixup, cutmix) are refused: they would mix each view
            with different partners and different labels.
        num_views (int, optional): If given, multi-view batches must have
            exactly this many views.
    """

    def __init__(self, preprocessor: dict,
                 num_views: Optional[int] = None) -> None:
        super().__init__()
        self.preprocessor = MODELS.build(preprocessor)
        if getattr(self.preprocessor, 'batch_augments', None) is not None:
            raise ValueError(
                'MultiViewDataPreprocessor: the wrapped preprocessor has '
                'batch_augments, which would mix each view differently. '
                'Remove batch_augments from the data_preprocessor config.')
        self.num_views = num_views

    def forward(self, data: dict, training: bool = False) -> dict:
        """Preprocess each view; see the class docstring.

        Args:
            data (dict): A collated batch with ``inputs`` and
                ``data_samples``.
            training (bool): Passed to the wrapped preprocessor.

        Returns:
            dict: ``inputs`` (a tensor, or a list of tensors for multi-view
            batches) and ``data_samples``.
        """
        # mmengine's BaseModel.to() sets the device of every preprocessor;
        # keep the wrapped one in step if only this one was moved.
        self.preprocessor._device = self._device
        inputs = data['inputs']
        if not _is_multi_view(inputs):
            return self.preprocessor(data, training)
        if self.num_views is not None and len(inputs) != self.num_views:
            raise ValueError(
                f'MultiViewDataPreprocessor expected {self.num_views} views '
                f'per image, got {len(inputs)}. Check num_views of the '
                "pipeline's MultiView transform.")
        views: List[torch.Tensor] = []
        data_samples = data.get('data_samples')
        for view in inputs:
            out = self.preprocessor(
                dict(inputs=list(view), data_samples=data_samples), training)
            views.append(out['inputs'])
            data_samples = out['data_samples']
        return dict(inputs=views, data_samples=data_samples)
