# Copyright (c) zkd_mm contributors. All rights reserved.
"""zkd_mm models: functional math and MMRazor components."""
from .algorithms import *  # noqa: F401,F403
from .backbones import *  # noqa: F401,F403
from .converters import *  # noqa: F401,F403
from .data_preprocessors import *  # noqa: F401,F403
from .distillers import *  # noqa: F401,F403
from .functional import zscore, zscore_kl_div  # noqa: F401
from .losses import *  # noqa: F401,F403
from .temperature import *  # noqa: F401,F403
