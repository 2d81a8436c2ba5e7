# Copyright (c) zkd_mm contributors. All rights reserved.
"""Benchmark zkd_mm configs into the model zoo.

``tools/benchmark/run.py`` trains configs x seeds (x sweep points), one
work dir each, and tests the last and the best checkpoint;
``tools/benchmark/gather.py`` reads the work dirs, aggregates over seeds
and writes the zoo: ``metafile.yml`` Results, README tables, a CSV/JSON
summary and plots, or checks new runs against the stored Results.
"""
from .aggregate import Aggregate, aggregate_runs
from .results import RunResult, read_run
from .spec import RunSpec, build_specs, resolve_configs

__all__ = [
    'RunSpec', 'build_specs', 'resolve_configs', 'RunResult', 'read_run',
    'Aggregate', 'aggregate_runs'
]
