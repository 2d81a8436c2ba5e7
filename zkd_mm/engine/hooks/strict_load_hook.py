# Copyright (c) zkd_mm contributors. All rights reserved.
"""``StrictLoadHook``: a resume or test checkpoint must fit the model."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmrazor.registry import HOOKS

from zkd_mm.models.utils import check_checkpoint_fits


@HOOKS.register_module()
class StrictLoadHook(Hook):
    """Refuse a checkpoint that does not fit the model exactly.

    mmengine's Runner loads resume and test checkpoints non-strictly: keys
    that are missing, renamed or of other shapes are only logged, and the
    run goes on with freshly initialized weights in their place. This hook
    checks the checkpoint (in ``after_load_checkpoint``, before mmengine
    copies it into the model) with :func:`check_checkpoint_fits` and
    raises ``CheckpointMismatchError`` naming what does not fit and which
    config would. zkd_mm's ``tools/train.py`` adds it when resuming and
    ``tools/test.py`` always; loading initial weights with ``load_from``
    for a new training stays non-strict.
    """

    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Check the checkpoint's state dict against the model."""
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        state_dict = checkpoint.get('state_dict', checkpoint)
        check_checkpoint_fits(model, state_dict,
                              str(runner.cfg.get('load_from') or
                                  'the checkpoint'))
