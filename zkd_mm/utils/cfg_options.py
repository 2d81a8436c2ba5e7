# Copyright (c) zkd_mm contributors. All rights reserved.
"""Reject ``--cfg-options`` keys that cannot take effect."""
import copy
import difflib
import inspect
from typing import Any, Dict, Iterator, List, Optional, Tuple

from mmengine.config import Config
from mmengine.runner import Runner

from .config_params import node_params

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


def _nodes(node: Any, prefix: str = '') -> Iterator[Tuple[str, Any]]:
    """``(dotted path, node)`` for every node of a config tree, list items
    by index."""
    for key, child in _child_items(node):
        path = f'{prefix}{key}'
        yield path, child
        yield from _nodes(child, path + '.')


def _dotted_keys(node: Any) -> Iterator[str]:
    """Every dotted path in a config tree."""
    return (path for path, _ in _nodes(node))


def _split(key: str) -> List[Any]:
    return [int(part) if part.isdigit() else part for part in key.split('.')]


def _child(node: Any, part: Any) -> Tuple[bool, Any]:
    if isinstance(node, dict) and part in node:
        return True, node[part]
    if isinstance(node, (list, tuple)) and isinstance(
            part, int) and part < len(node):
        return True, node[part]
    return False, None


def _walk(tree: Dict, parts: List[Any]) -> Tuple[int, Any]:
    """How many leading ``parts`` exist in ``tree``, and the last node."""
    node: Any = tree
    for depth, part in enumerate(parts):
        found, child = _child(node, part)
        if not found:
            return depth, node
        node = child
    return len(parts), node


def _scope_at(tree: Dict, parts: List[Any]) -> Optional[str]:
    """The registry scope in effect at a node: the nearest ``_scope_``."""
    scope = tree.get('default_scope')
    node: Any = tree
    for part in parts:
        found, node = _child(node, part)
        if not found:
            break
        if isinstance(node, dict) and node.get('_scope_'):
            scope = node['_scope_']
    return scope


def _holds(node: Any, value: Any) -> bool:
    """Whether ``node`` is ``value``, or a dict holding all its items."""
    if isinstance(value, dict):
        return isinstance(node, dict) and all(
            k in node and _holds(node[k], v) for k, v in value.items())
    return node == value


def _copies(tree: Dict, parts: List[Any]) -> List[str]:
    """Where the config copied the value of a variable's node ``parts``.

    Only what the Runner reads is searched; short strings and numbers are
    too common to say where they came from.
    """
    value = _walk(tree, parts)[1]
    if isinstance(value, (int, float)) or (isinstance(value, str)
                                           and len(value) < 3) or not value:
        return []
    readable = RUNNER_KEYS - {parts[0]}
    return [
        path for path, node in _nodes(tree)
        if path.split('.')[0] in readable and _holds(node, value)
    ]


def _copied_to(tree: Dict, parts: List[Any]) -> List[str]:
    """Where the nearest copied node above ``parts`` went, key appended."""
    depth, _ = _walk(tree, parts)
    for end in range(depth, 0, -1):
        suffix = ''.join(f'.{part}' for part in parts[end:])
        copies = [path + suffix for path in _copies(tree, parts[:end])]
        if copies:
            return copies
    return []


def _variable_problem(tree: Dict, key: str) -> str:
    """Why ``key``, under a variable the Runner does not read, is refused."""
    parts = _split(key)
    copies = _copied_to(tree, parts)
    what = (f'{key!r} is a variable whose value' if len(parts) == 1 else
            f'{key!r} is part of {parts[0]!r}, a variable whose value')
    if copies:
        return (f'{what} the config copied into {", ".join(copies)} when it '
                f'was read; setting it has no effect. Set {copies[0]} '
                'instead.')
    return (f'{key!r} is under {parts[0]!r}, a variable of the config that '
            'the Runner does not read; setting it has no effect. Set the key '
            'that the Runner reads (see tools/misc/print_config.py).')


def _problem(tree: Dict, merged: Dict, key: str) -> Optional[str]:
    """Why ``key`` cannot be set: a sentence, '' (unknown) or None (ok)."""
    parts = _split(key)
    if parts[0] in RUNNER_KEYS and parts[0] not in tree:
        return None
    if parts[0] not in RUNNER_KEYS and parts[0] in tree:
        return _variable_problem(tree, key)
    if parts[0] == 'data_preprocessor' and 'data_preprocessor' in tree.get(
            'model', {}):
        works = (_copied_to(tree, parts)
                 or ['.'.join(map(str, ['model', *parts]))])[0]
        return (f'{key!r} has no effect: the Runner gives the top-level '
                'data_preprocessor only to a model without one, and this '
                f'model has model.data_preprocessor. Set {works} instead.')
    depth, _ = _walk(tree, parts)
    if depth == len(parts):
        return None
    if parts[depth] == '_delete_':
        return None
    _, parent = _walk(merged, parts[:depth])
    if not isinstance(parent, dict):
        return ''
    path = '.'.join(map(str, parts[:depth]))
    known = node_params(path, parent, _scope_at(merged, parts[:depth]))
    if known is None:
        return ''
    params, open_kwargs, source = known
    if parts[depth] in params:
        return None
    close = difflib.get_close_matches(str(parts[depth]), params, n=3)
    hint = f' Did you mean: {", ".join(close)}?' if close else ''
    more = (f' ({source} passes further keyword arguments on, which cannot '
            'be checked: add them with --allow-new-cfg-keys)'
            if open_kwargs else '')
    return (f'{key!r} is not a key of the config, and {parts[depth]!r} is '
            f'not a parameter of {source} at {path}.{hint}{more}')


def unknown_cfg_option_keys(cfg: Config, options: Dict) -> List[str]:
    """Describe each ``--cfg-options`` key that cannot be set.

    A key is accepted when the config has it, when it names a Runner
    argument, or when its first missing part is a parameter of what the
    node above it builds (its registered ``type``, after the other
    options are applied, or the class mmengine's Runner builds there, see
    :mod:`zkd_mm.utils.config_params`). A top-level variable whose value
    the config copied elsewhere (``teacher_ckpt``, ``data_root``, ``pair``,
    ...), or a key under it, is refused, naming where to set it instead; so
    is any other top-level variable the Runner does not read.

    Args:
        cfg (Config): The loaded config.
        options (dict): The parsed ``--cfg-options``.

    Returns:
        list[str]: One line per refused key, with close keys.
    """
    tree = cfg.to_dict()
    merged = Config(copy.deepcopy(tree))
    for key, value in options.items():
        try:  # a bad index is reported below
            merged.merge_from_dict({key: copy.deepcopy(value)})
        except (KeyError, TypeError, ValueError):
            pass
    merged = merged.to_dict()
    known = None
    problems = []
    for key in options:
        problem = _problem(tree, merged, key)
        if problem is None:
            continue
        if not problem:
            if known is None:
                known = sorted(set(_dotted_keys(tree)) | RUNNER_KEYS)
            close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
            hint = f' Did you mean: {", ".join(close)}?' if close else ''
            problem = f'{key!r} is not a key of the config.{hint}'
        problems.append(f'  {problem}')
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
        'quotation marks and no white space. A key must exist in the '
        'config or be a parameter of what its node builds, unless '
        '--allow-new-cfg-keys is given')
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
