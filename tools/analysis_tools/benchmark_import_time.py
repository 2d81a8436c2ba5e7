# Copyright (c) zkd_mm contributors. All rights reserved.
"""Import time of zkd_mm next to that of torch and MMRazor.

Each import runs in a fresh interpreter, interleaved with the others, and
the median over ``--repeats`` runs is printed as a markdown table.

Example:
    python tools/analysis_tools/benchmark_import_time.py --repeats 5
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

COMPAT_FILE = (Path(__file__).resolve().parents[2] / 'zkd_mm' / 'compat' /
               'mmrazor_quantization.py')

# name -> (statements run before timing, statements timed)
CASES = {
    'torch': ('', 'import torch'),
    'mmrazor (top level)': ('', 'import mmrazor'),
    # The compat hook is loaded from its file, so zkd_mm itself is not.
    'mmrazor.models + mmrazor.engine, compat hook only':
    ('import importlib.util as u\n'
     f's = u.spec_from_file_location("hook", {str(COMPAT_FILE)!r})\n'
     'm = u.module_from_spec(s); s.loader.exec_module(m); m.install()',
     'import mmrazor.models, mmrazor.engine'),
    'zkd_mm': ('', 'import zkd_mm'),
}

TEMPLATE = '''
import time
start = time.perf_counter()
{setup}
{timed}
end = time.perf_counter()
print(end - start)
'''


def measure(setup: str, timed: str) -> float:
    """Seconds from the first statement to the end of ``timed``."""
    code = TEMPLATE.format(setup=setup or 'pass', timed=timed)
    out = subprocess.run([sys.executable, '-c', code], check=True,
                         capture_output=True, text=True).stdout.split()
    total = float(out[-1])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    samples: Dict[str, List[float]] = {name: [] for name in CASES}
    for _ in range(args.repeats):
        for name, (setup, timed) in CASES.items():
            samples[name].append(measure(setup, timed))
    print(f'median of {args.repeats} fresh interpreters, in seconds')
    print('| import | seconds |\n| --- | --- |')
    for name, values in samples.items():
        print(f'| `{CASES[name][1]}` ({name}) | '
              f'{statistics.median(values):.2f} |')


if __name__ == '__main__':
    main()
