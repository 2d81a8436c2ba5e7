# Copyright (c) zkd_mm contributors. All rights reserved.
"""A tiny real mmengine Runner job, used to write real checkpoints."""
import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch.utils.data import DataLoader, TensorDataset


class ToyRegressor(BaseModel):
    """One linear layer trained with MSE, mmengine's model contract."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(4, 1)

    def forward(self, inputs, targets, mode='tensor'):
        preds = self.linear(inputs)
        if mode == 'loss':
            return dict(loss=((preds - targets)**2).mean())
        return preds


def toy_runner(work_dir: str, max_epochs: int = 1, **kwargs) -> Runner:
    """A seeded Runner that saves a checkpoint after every epoch."""
    gen = torch.Generator().manual_seed(0)
    data = TensorDataset(
        torch.randn(16, 4, generator=gen), torch.randn(16, 1, generator=gen))
    return Runner(
        model=ToyRegressor(),
        work_dir=work_dir,
        train_dataloader=DataLoader(data, batch_size=8),
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook',
                                           interval=1)),
        randomness=dict(seed=0),
        **kwargs)
