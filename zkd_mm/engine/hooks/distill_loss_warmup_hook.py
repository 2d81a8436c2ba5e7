# Copyright (c) zkd_mm contributors. All rights reserved.
"""``DistillLossWarmupHook``: ramp distill loss weights in linearly."""
from typing import Dict, Optional, Sequence

from mmengine.hooks import Hook
from mmrazor.registry import HOOKS

from .distill_losses import distill_losses_of


@HOOKS.register_module()
class DistillLossWarmupHook(Hook):
    """Scale distill losses by ``min(epoch / warmup_epochs, 1)``.

    The DKD warm-up of the paper's code: in (1-based) epoch ``e`` every
    chosen loss of the distiller gets ``loss_weight = base * min(e /
    warmup_epochs, 1)``, where ``base`` is the weight the loss was built
    with. The loss itself is not edited; only its ``loss_weight`` attribute
    is set before each epoch, so resuming mid-warm-up gives the same weights.

    Args:
        warmup_epochs (int): Epochs over which the weight ramps up.
        loss_names (Sequence[str], optional): Names in the distiller's
            ``distill_losses``. Defaults to all of them.
    """

    priority = 'NORMAL'

    def __init__(self,
                 warmup_epochs: int,
                 loss_names: Optional[Sequence[str]] = None) -> None:
        if warmup_epochs < 1:
            raise ValueError('DistillLossWarmupHook: warmup_epochs must be '
                             f'>= 1, got {warmup_epochs}.')
        self.warmup_epochs = warmup_epochs
        self.loss_names = None if loss_names is None else list(loss_names)
        self._base_weights: Dict[str, float] = {}

    def _losses(self, runner) -> Dict:
        losses = distill_losses_of(runner, 'DistillLossWarmupHook',
                                   self.loss_names or None)
        for name, loss in losses.items():
            if not hasattr(loss, 'loss_weight'):
                raise TypeError(f'DistillLossWarmupHook: distill loss '
                                f'{name!r} has no loss_weight to scale.')
        return losses

    def before_train(self, runner) -> None:
        """Remember each loss's configured weight."""
        self._base_weights = {
            name: float(loss.loss_weight)
            for name, loss in self._losses(runner).items()
        }

    def factor(self, epoch: int) -> float:
        """The weight factor for a 0-based ``epoch``."""
        return min((epoch + 1) / self.warmup_epochs, 1.0)

    def before_train_epoch(self, runner) -> None:
        """Set every chosen loss's weight for this epoch."""
        factor = self.factor(runner.epoch)
        for name, loss in self._losses(runner).items():
            loss.loss_weight = self._base_weights[name] * factor
        runner.message_hub.update_scalar('train/distill_warmup_factor',
                                         factor)
