# Copyright (c) zkd_mm contributors. All rights reserved.
"""``CTKDCurriculumHook``: CTKD's curriculum of the gradient reversal."""
import math
from typing import Dict, Optional, Sequence

from mmengine.hooks import Hook
from mmengine.runner import IterBasedTrainLoop
from mmrazor.registry import HOOKS

from zkd_mm.models.temperature import LearnableTemperature
from .distill_losses import distill_losses_of

TEMPERATURE_KEY = 'train/ctkd_temperature'
LAMBDA_KEY = 'train/ctkd_lambda'


def cosine_curriculum(epoch: int, decay_max: float, decay_min: float,
                      decay_loops: int) -> float:
    """The reversal factor of (1-based) ``epoch``: official ``CosineDecay``.

    ``(cos(pi * i / decay_loops) + 1) / 2 * (decay_max - decay_min) +
    decay_min`` with ``i = epoch`` clamped to ``[0, decay_loops]``, so it
    falls from ``decay_max`` to ``decay_min`` and stays there from epoch
    ``decay_loops`` on. With the defaults 0, -1, 10: epoch 1 gives
    -0.02447, epoch 5 gives -0.5, epochs >= 10 give -1.

    Args:
        epoch (int): The epoch, counted from 1 as the official code does.
        decay_max (float): The value at epoch 0.
        decay_min (float): The final value.
        decay_loops (int): Epochs to get from ``decay_max`` to
            ``decay_min``.

    Returns:
        float: The factor the temperature's gradient is multiplied by.
    """
    step = min(max(epoch, 0), decay_loops)
    cosine = (math.cos(step * math.pi / decay_loops) + 1.0) * 0.5
    return cosine * (decay_max - decay_min) + decay_min


@HOOKS.register_module()
class CTKDCurriculumHook(Hook):
    """Drive CTKD's gradient reversal by epoch and log the temperature.

    The curriculum of `Curriculum Temperature for Knowledge Distillation
    <https://arxiv.org/abs/2211.16231>`_: before (1-based) epoch ``e``, the
    reversal factor ``lambda_`` of every chosen CTKD loss's
    :class:`LearnableTemperature` is set to
    ``cosine_curriculum(e, decay_max, decay_min, decay_loops)``. The
    temperature's gradient is multiplied by it, so the temperature is
    first barely trained (``lambda_`` near 0) and then trained ever more
    strongly to *increase* the distillation loss (``lambda_`` towards -1):
    the task gets harder for the student. Being set from the epoch, it is
    right after a resume too.

    The hook also logs, to the message hub, ``ctkd_lambda`` once per epoch
    and after every training iteration ``ctkd_temperature``, the
    temperature that iteration's loss used (``ctkd_temperature.<name>``
    when several losses are driven). So the temperature shows in every log
    line and in the visualizer's scalars.

    Args:
        decay_max (float): ``lambda_`` at epoch 0. Defaults to 0.
        decay_min (float): Final ``lambda_``. Defaults to -1.
        decay_loops (int): Epochs from ``decay_max`` to ``decay_min``.
            Defaults to 10 (the official CIFAR-100 script; 5 on ImageNet).
        loss_names (Sequence[str], optional): Names in the distiller's
            ``distill_losses``. Defaults to every loss with a learnable
            temperature.
    """

    priority = 'NORMAL'  # before the LoggerHook (BELOW_NORMAL)

    def __init__(self,
                 decay_max: float = 0.0,
                 decay_min: float = -1.0,
                 decay_loops: int = 10,
                 loss_names: Optional[Sequence[str]] = None) -> None:
        if decay_loops < 1:
            raise ValueError('CTKDCurriculumHook: decay_loops must be >= 1, '
                             f'got {decay_loops}.')
        self.decay_max = float(decay_max)
        self.decay_min = float(decay_min)
        self.decay_loops = decay_loops
        self.loss_names = None if loss_names is None else list(loss_names)
        # The temperature tensors logged last, to skip a loss that did not
        # run in an iteration (e.g. after StopDistillHook).
        self._logged: Dict[str, object] = {}

    def lambda_at(self, epoch: int) -> float:
        """The reversal factor of a 1-based ``epoch``."""
        return cosine_curriculum(epoch, self.decay_max, self.decay_min,
                                 self.decay_loops)

    def _losses(self, runner) -> Dict:
        losses = distill_losses_of(runner, 'CTKDCurriculumHook',
                                   self.loss_names)
        if self.loss_names is None:
            chosen = {
                name: loss
                for name, loss in losses.items() if isinstance(
                    getattr(loss, 'temperature', None), LearnableTemperature)
            }
            if not chosen:
                raise TypeError(
                    'CTKDCurriculumHook: no distill loss has a learnable '
                    f'temperature (the losses are {list(losses)}); use '
                    "type='CTKDLoss'.")
            return chosen
        for name, loss in losses.items():
            if not isinstance(
                    getattr(loss, 'temperature', None), LearnableTemperature):
                raise TypeError(f'CTKDCurriculumHook: distill loss {name!r} '
                                'has no learnable temperature.')
        return losses

    def before_train(self, runner) -> None:
        """Check the set-up before the first epoch."""
        if isinstance(runner.train_loop, IterBasedTrainLoop):
            raise TypeError('CTKDCurriculumHook sets lambda_ by epoch and '
                            'needs an epoch-based train loop '
                            '(train_cfg.by_epoch=True).')
        self._losses(runner)

    def before_train_epoch(self, runner) -> None:
        """Set every chosen loss's reversal factor for this epoch."""
        value = self.lambda_at(runner.epoch + 1)
        for loss in self._losses(runner).values():
            loss.temperature.lambda_ = value
        runner.message_hub.update_scalar(LAMBDA_KEY, value)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        """Log the temperature this iteration's losses used."""
        losses = self._losses(runner)
        for name, loss in losses.items():
            value = getattr(loss, 'last_temperature', None)
            if value is None or value is self._logged.get(name):
                continue
            self._logged[name] = value
            key = TEMPERATURE_KEY if len(losses) == 1 else (
                f'{TEMPERATURE_KEY}.{name}')
            runner.message_hub.update_scalar(key, float(value))
