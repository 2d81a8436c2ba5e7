# Copyright (c) zkd_mm contributors. All rights reserved.
"""Analysis of teacher and student logits: statistics and figures.

Not imported by ``import zkd_mm``, so matplotlib is loaded only here.
"""
from .logit_stats import (check_logits_and_labels, format_logit_statistics,
                          logit_statistics, per_sample_mean_std, summarize)
from .plots import plot_logit_hist2d, plot_logit_std_hist

__all__ = [
    'check_logits_and_labels', 'format_logit_statistics', 'logit_statistics',
    'per_sample_mean_std', 'summarize', 'plot_logit_hist2d',
    'plot_logit_std_hist'
]
