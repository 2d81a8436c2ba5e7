# Copyright (c) zkd_mm contributors. All rights reserved.
"""Find the distillation losses of the model a hook runs with."""
from typing import Dict, List, Optional, Sequence

import torch.nn as nn
from mmengine.model import is_model_wrapper


def distill_losses_of(runner, hook_name: str,
                      names: Optional[Sequence[str]] = None
                      ) -> Dict[str, nn.Module]:
    """The distill losses of ``runner.model`` (unwrapped from DDP).

    Args:
        runner: The mmengine runner.
        hook_name (str): Used in the error messages.
        names (Sequence[str], optional): Return only these losses; all if
            None.

    Returns:
        dict[str, nn.Module]: The losses by name, in the config's order.

    Raises:
        TypeError: If the model is not a distillation model.
        KeyError: If one of ``names`` is not a distill loss.
    """
    model = runner.model
    if is_model_wrapper(model):
        model = model.module
    distiller = getattr(model, 'distiller', None)
    if distiller is None or not hasattr(distiller, 'distill_losses'):
        raise TypeError(f'{hook_name} needs a distillation model with '
                        'distiller.distill_losses, got '
                        f'{type(model).__name__}.')
    losses = dict(distiller.distill_losses.items())
    if names is None:
        return losses
    unknown: List[str] = [n for n in names if n not in losses]
    if unknown:
        raise KeyError(f'{hook_name}: {unknown} are not distill losses; '
                       f'those are {list(losses)}.')
    return {name: losses[name] for name in names}
