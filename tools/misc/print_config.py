# Copyright (c) zkd_mm contributors. All rights reserved.
"""Print a config with its bases and ``--cfg-options`` merged in."""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)
# mmengine announces a renamed config with a DeprecationWarning, which Python
# hides outside __main__: show it, it names the config to use instead.
warnings.filterwarnings(
    'default', message='The config file .* will be deprecated',
    category=DeprecationWarning)

import argparse
from typing import List, Optional

# zkd_mm first: configs import it through ``custom_imports``.
import zkd_mm  # noqa: F401 isort: skip
from mmengine.config import Config

from zkd_mm.utils import add_cfg_options_arguments, apply_cfg_options


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(description='Print the whole config')
    parser.add_argument('config', help='config file path')
    add_cfg_options_arguments(parser)
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    """Print the merged config."""
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    apply_cfg_options(cfg, args)
    print(f'Config:\n{cfg.pretty_text}')


if __name__ == '__main__':
    main()
