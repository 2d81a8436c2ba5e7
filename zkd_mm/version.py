# Copyright (c) zkd_mm contributors. All rights reserved.
"""The zkd_mm version."""
from typing import Tuple

__version__ = '0.1.0'


def parse_version_info(version: str) -> Tuple[int, ...]:
    """Turn ``'0.1.0'`` into ``(0, 1, 0)``."""
    return tuple(int(part) for part in version.split('.') if part.isdigit())


version_info = parse_version_info(__version__)
