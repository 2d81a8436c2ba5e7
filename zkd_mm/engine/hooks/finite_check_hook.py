# Copyright (c) zkd_mm contributors. All rights reserved.
"""``FiniteCheckHook``: non-finite numbers stop training where they appear.
"""
from collections import defaultdict
from typing import Dict, Iterable, List, Tuple

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmrazor.registry import HOOKS

from ...models.losses.plumbing import describe_nonfinite_losses

NamedTensors = Iterable[Tuple[str, torch.Tensor]]
_PREVIEW = 5


def nonfinite_names(named_tensors: NamedTensors) -> List[str]:
    """The names of the floating-point tensors that hold a NaN or an inf.

    One device synchronization per device, whatever the number of tensors.
    """
    by_device: Dict[torch.device, List[Tuple[str, torch.Tensor]]]
    by_device = defaultdict(list)
    for name, tensor in named_tensors:
        if tensor is not None and tensor.is_floating_point():
            by_device[tensor.device].append((name, tensor))
    bad = []
    for items in by_device.values():
        flags = torch.stack([torch.isfinite(t).all() for _, t in items])
        if not bool(flags.all()):
            bad += [name for (name, _), ok in zip(items, flags.tolist())
                    if not ok]
    return bad


def _preview(names: List[str]) -> str:
    more = len(names) - _PREVIEW
    return ', '.join(names[:_PREVIEW]) + (f' (+{more} more)'
                                          if more > 0 else '')


@HOOKS.register_module()
class FiniteCheckHook(Hook):
    """Refuse non-finite gradients, parameters, buffers and checkpoints.

    - Before every optimizer step, the gradients are checked: a NaN or inf
      raises ``FloatingPointError`` naming the parameters and, from the
      algorithm's ``last_losses``, each non-finite loss with the side and
      the samples of its non-finite inputs; the step is not applied. This
      is the iteration's one non-finite check of the losses too (they do
      not synchronize themselves). Under AMP the dynamic loss scaler skips
      such steps before the optimizer runs, so this only sees steps it lets
      through.
    - After every iteration, the logged losses are checked, for a loss
      that is NaN or infinite without reaching any gradient.
    - After every optimizer step, the parameters and the model's buffers
      (e.g. BatchNorm statistics updated by the forward) are checked: a
      huge learning rate that turns finite gradients into infinite weights
      is reported in the step where it happens.
    - Before any checkpoint is written, its state dict is checked, so no
      checkpoint with non-finite weights is ever saved.

    Each check costs one device synchronization.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._handles: List = []
        self._names: Dict[int, str] = {}

    def _model(self, runner) -> torch.nn.Module:
        model = runner.model
        return model.module if is_model_wrapper(model) else model

    def before_train(self, runner) -> None:
        """Attach the checks to every optimizer of the run."""
        model = self._model(runner)
        self._names = {id(p): n for n, p in model.named_parameters()}
        wrappers = (runner.optim_wrapper.optim_wrappers.values()
                    if isinstance(runner.optim_wrapper, OptimWrapperDict)
                    else [runner.optim_wrapper])
        for wrapper in wrappers:
            optimizer = wrapper.optimizer
            self._handles.append(
                optimizer.register_step_pre_hook(
                    lambda opt, *_: self._check_grads(runner, opt)))
            self._handles.append(
                optimizer.register_step_post_hook(
                    lambda opt, *_: self._check_weights(runner, opt)))

    def after_train(self, runner) -> None:
        """Detach the checks."""
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def _params(self, optimizer) -> NamedTensors:
        for group in optimizer.param_groups:
            for param in group['params']:
                if not param.requires_grad:
                    continue
                yield self._names.get(id(param), '<unnamed>'), param

    def _losses(self, runner, losses=None) -> str:
        model = self._model(runner)
        lines = describe_nonfinite_losses(
            model, getattr(model, 'last_losses', {})
            if losses is None else losses)
        return (' Non-finite losses: ' + '; '.join(lines) + '.'
                if lines else '')

    def _check_grads(self, runner, optimizer) -> None:
        bad = nonfinite_names(
            (name, param.grad) for name, param in self._params(optimizer))
        if bad:
            raise FloatingPointError(
                f'Iteration {runner.iter + 1}: the gradients of {len(bad)} '
                f'parameters are NaN or infinite: {_preview(bad)}.'
                f'{self._losses(runner)} The optimizer step was not applied '
                'and no checkpoint holds them. Check the learning rate, the '
                'loss weights, the teacher checkpoint and the input data.')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        """Refuse a NaN or infinite logged loss (one synchronization)."""
        if not outputs:
            return
        bad = nonfinite_names(
            (k, v) for k, v in outputs.items() if isinstance(v, torch.Tensor))
        if bad:
            kept = getattr(self._model(runner), 'last_losses', None)
            raise FloatingPointError(
                f'Iteration {runner.iter + 1}: the losses '
                f'{", ".join(bad)} are NaN or infinite.'
                f'{self._losses(runner, kept or outputs)} Check the learning '
                'rate, the loss weights, the teacher checkpoint and the '
                'input data.')

    def _check_weights(self, runner, optimizer) -> None:
        bad = nonfinite_names(self._params(optimizer))
        bad += nonfinite_names(self._model(runner).named_buffers())
        if bad:
            lrs = sorted({group['lr'] for group in optimizer.param_groups})
            raise FloatingPointError(
                f'Iteration {runner.iter + 1}: {len(bad)} parameters or '
                f'buffers became NaN or infinite in this step: '
                f'{_preview(bad)} (lr {lrs}). No checkpoint holds them. '
                'Lower the learning rate, or clip the gradients '
                '(optim_wrapper.clip_grad).')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Refuse to write a checkpoint whose weights are not finite."""
        bad = nonfinite_names(checkpoint.get('state_dict', {}).items())
        if bad:
            raise FloatingPointError(
                f'Refusing to save a checkpoint at iteration {runner.iter}: '
                f'{len(bad)} tensors are NaN or infinite: {_preview(bad)}.')
