# Copyright (c) zkd_mm contributors. All rights reserved.
"""Zoo configs read once per test session: reading one takes about 0.5 s,
and the config tests look at each of the 145 several times."""
import copy
from functools import lru_cache
from pathlib import Path

from mmengine.config import Config


@lru_cache(maxsize=None)
def loaded(path: Path) -> Config:
    """The merged config at ``path``, shared: only read it."""
    return Config.fromfile(str(path))


def fresh(path: Path) -> Config:
    """A copy of the merged config at ``path``, to change."""
    return copy.deepcopy(loaded(path))
