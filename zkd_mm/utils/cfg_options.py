# Copyright (c) zkd_mm contributors. All rights reserved.
"""Reject ``--cfg-options`` keys that a config does not have."""
import difflib
import inspect
from typing import Any, Dict, Iterator, List

from mmengine.config import Config
from mmengine.runner import Runner

RUNNER_KEYS = frozenset(
    set(inspect.signature(Runner.__init__).parameters) - {'self', 'cfg'}
    | {
        'model_wrapper_cfg', 'find_unused_parameters', 'sync_bn', 'compile',
        'runner_type'
    })


def _child_items(node: Any) -> Iterator:
    """``(key, child)`` pairs of a dict, or ``(index, item)`` of a list."""
    if isinstance(node, dict):
        return iter(node.items())
    if isinstance(node, (list, tuple)):
        return iter(enumerate(node))
    return iter(())


def _dotted_keys(node: Any, prefix: str = '') -> Iterator[str]:
    """Every dotted path in a config tree, list items by index."""
    for key, child in _child_items(node):
        path = f'{prefix}{key}'
        yield path
        yield from _dotted_keys(child, path + '.')


def _has_dotted_key(tree: Dict, key: str) -> bool:
    """Whether ``key`` (``a.b.0.c``) names an existing node of ``tree``."""
    node: Any = tree
    parts = key.split('.')
    if parts[0] in RUNNER_KEYS and parts[0] not in tree:
        return True
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, dict) and part == '_delete_':
            return True
        elif (isinstance(node, (list, tuple)) and part.isdigit()
              and int(part) < len(node)):
            node = node[int(part)]
        else:
            return False
    return True


def unknown_cfg_option_keys(cfg: Config, options: Dict) -> List[str]:
    """Describe each ``--cfg-options`` key that is not in ``cfg``.

    Args:
        cfg (Config): The loaded config.
        options (dict): The parsed ``--cfg-options``.

    Returns:
        list[str]: One line per unknown key, with close existing keys.
    """
    tree = cfg.to_dict()
    known = None
    problems = []
    for key in options:
        if _has_dotted_key(tree, key):
            continue
        if known is None:
            known = sorted(set(_dotted_keys(tree)) | RUNNER_KEYS)
        close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
        hint = f' Did you mean: {", ".join(close)}?' if close else ''
        problems.append(f'  {key!r} is not a key of the config.{hint}')
    return problems


def check_cfg_options(cfg: Config, options: Dict, config_name: str) -> None:
    """Exit with a clear message if ``options`` name unknown keys.

    Args:
        cfg (Config): The loaded config, before the options are merged.
        options (dict): The parsed ``--cfg-options``.
        config_name (str): Used in the message.

    Raises:
        SystemExit: Listing every unknown key with close existing keys.
    """
    problems = unknown_cfg_option_keys(cfg, options)
    if problems:
        raise SystemExit('error: unknown --cfg-options keys for '
                         f'{config_name}:\n' + '\n'.join(problems) +
                         '\nFix the spelling, or pass --allow-new-cfg-keys '
                         'to add new keys on purpose.')


def add_cfg_options_arguments(parser) -> None:
    """Add ``--cfg-options`` and ``--allow-new-cfg-keys`` to ``parser``."""
    from mmengine.config import DictAction
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs with '
        'dotted keys (list items by index: a.b.0.c=1). Lists are written '
        'key="[a,b]" or key=a,b, nested ones key="[(a,b),(c,d)]", with the '
        'quotation marks and no white space. Every key must already exist '
        'in the config, unless --allow-new-cfg-keys is given')
    parser.add_argument(
        '--allow-new-cfg-keys',
        action='store_true',
        help='let --cfg-options add keys the config does not have')


def apply_cfg_options(cfg: Config, args) -> Config:
    """Check ``args.cfg_options`` against ``cfg``, then merge them in.

    Args:
        cfg (Config): The loaded config.
        args (argparse.Namespace): Parsed with
            :func:`add_cfg_options_arguments`; ``args.config`` names the
            config in messages.

    Returns:
        Config: ``cfg``, updated in place.
    """
    if args.cfg_options:
        if not args.allow_new_cfg_keys:
            check_cfg_options(cfg, args.cfg_options, args.config)
        cfg.merge_from_dict(args.cfg_options)
    return cfg
