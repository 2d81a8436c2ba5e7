# Copyright (c) zkd_mm contributors. All rights reserved.
"""Pure functions: the Z-score and the Z-score KL divergence."""
from .zscore import zscore
from .zscore_kl_div import check_logit_pair, zscore_kl_div

__all__ = ['zscore', 'zscore_kl_div', 'check_logit_pair']
