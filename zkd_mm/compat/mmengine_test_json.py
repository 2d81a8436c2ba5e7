# Copyright (c) zkd_mm contributors. All rights reserved.
"""Write the test metrics JSON from one process, not from every rank.

Checked on mmengine 0.10.7 (:data:`CHECKED_ON`): ``LoggerHook.
after_test_epoch`` dumps the test metrics to ``<log_dir>/<timestamp>.json``
on every rank, and all ranks share that path. Two ranks writing it at once
left a file such as ``{"accuracy/top1": 28.125, ..., "time": 0.0081}1}``
(one rank's JSON over the other's longer one) in a 2-task Slurm test, which
no JSON reader can parse.

:func:`install` wraps the ``dump`` that ``mmengine.hooks.logger_hook``
imported, its only use there, so that processes other than the main one
skip writing a file. The metrics are the same on every rank (mmengine
broadcasts them); only the timings differ.
``tests/test_compat/test_mmengine_test_json.py`` fails when mmengine stops
making that call, so the fix can be re-checked.
"""
import functools
from typing import Callable

CHECKED_ON = '0.10.7'
_MARK = 'zkd_mm_main_process_only'


def _main_process_only(original: Callable) -> Callable:

    @functools.wraps(original)
    def dump(obj, file=None, *args, **kwargs):
        from mmengine.dist import is_main_process
        if file is not None and not is_main_process():
            return None
        return original(obj, file, *args, **kwargs)

    setattr(dump, _MARK, True)
    return dump


def install() -> None:
    """Wrap ``mmengine.hooks.logger_hook.dump``; idempotent."""
    from mmengine.hooks import logger_hook
    if not getattr(logger_hook.dump, _MARK, False):
        logger_hook.dump = _main_process_only(logger_hook.dump)
