# Copyright (c) zkd_mm contributors. All rights reserved.
"""Distributed launches on machines without an accelerator.

mmengine 0.10.7 cannot run a distributed job on a CPU-only machine: its
``init_dist`` calls ``torch.cuda.set_device`` for the ``pytorch``, ``slurm``
and ``mpi`` launchers, and its Runner wraps the model in DDP with
``device_ids=[LOCAL_RANK]``, which DDP rejects for a CPU module.

:func:`setup_distributed` works around both without touching installed
files. On a machine with no accelerator it calls mmengine's own
``init_dist`` with a CPU backend, with ``torch.cuda.set_device`` skipped
(:mod:`zkd_mm.compat.mmengine_cpu_dist`); the Runner then skips
``init_dist``, because a group already exists. It also asks for a DDP
wrapper without ``device_ids``. Anywhere else it does nothing.
"""
from mmengine.config import Config, ConfigDict
from mmengine.device import get_device
from mmengine.dist import init_dist
from mmengine.logging import print_log
from mmengine.registry import MODEL_WRAPPERS
from mmengine.utils.dl_utils import set_multi_processing
from torch import distributed as torch_dist
from torch.nn.parallel import DistributedDataParallel

from zkd_mm.compat.mmengine_cpu_dist import cuda_set_device_skipped

LAUNCHERS = ('pytorch', 'slurm', 'mpi')
CPU_BACKENDS = ('gloo', 'mpi')
STARTERS = dict(pytorch='torchrun', slurm='srun', mpi='mpirun')


def uses_cpu_distributed(launcher: str) -> bool:
    """Whether :func:`setup_distributed` takes over for ``launcher``.

    Args:
        launcher (str): The job launcher, ``'none'`` for a single process.

    Returns:
        bool: True for a distributed launcher on a machine where mmengine
        finds no accelerator (no CUDA, NPU, MLU, MUSA or MPS device).
    """
    return launcher != 'none' and get_device() == 'cpu'


def init_cpu_dist(launcher: str, **kwargs) -> None:
    """mmengine's ``init_dist`` on a CPU-only machine.

    Args:
        launcher (str): One of :data:`LAUNCHERS`.
        **kwargs: ``init_dist`` arguments (``backend``, ``port``,
            ``timeout`` in seconds, ...).

    Raises:
        KeyError: If a variable the launcher sets is missing; the message
            names it and the command that sets it.
    """
    if launcher not in LAUNCHERS:
        raise ValueError(f'Unknown launcher {launcher!r}; expected one of '
                         f'{LAUNCHERS}.')
    try:
        with cuda_set_device_skipped():
            init_dist(launcher, **kwargs)
    except KeyError as error:
        raise KeyError(
            f'The {launcher!r} launcher needs the environment variable '
            f'{error.args[0]}, which is not set. Start the job with '
            f'{STARTERS[launcher]}.') from None


def _cpu_dist_kwargs(dist_cfg: dict) -> dict:
    """``init_cpu_process_group`` kwargs from ``env_cfg.dist_cfg``."""
    kwargs = dict(dist_cfg)
    init_backend = kwargs.pop('init_backend', 'torch')
    if init_backend != 'torch':
        raise ValueError(
            f'env_cfg.dist_cfg.init_backend={init_backend!r} is not '
            'supported on a CPU-only machine; only "torch" is.')
    if kwargs.get('backend') not in CPU_BACKENDS:
        kwargs['backend'] = 'gloo'
    return kwargs


def _is_ddp_wrapper(wrapper_type) -> bool:
    """Whether a ``model_wrapper_cfg`` type is a DDP subclass."""
    if isinstance(wrapper_type, str):
        wrapper_type = MODEL_WRAPPERS.get(wrapper_type)
    return isinstance(wrapper_type, type) and issubclass(
        wrapper_type, DistributedDataParallel)


def _cpu_model_wrapper_cfg(cfg: Config) -> None:
    """Ask the Runner for a DDP wrapper without ``device_ids``.

    Without ``model_wrapper_cfg`` the Runner passes
    ``device_ids=[LOCAL_RANK]``. This sets the wrapper the Runner would have
    built, with ``device_ids=None``. A user's DDP-type wrapper is kept and
    only gets ``device_ids=None`` if it does not set ``device_ids``.
    """
    wrapper_cfg = cfg.get('model_wrapper_cfg')
    if wrapper_cfg is None:
        cfg.model_wrapper_cfg = ConfigDict(
            type='MMDistributedDataParallel',
            device_ids=None,
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    elif 'device_ids' not in wrapper_cfg and _is_ddp_wrapper(
            wrapper_cfg.get('type', 'MMDistributedDataParallel')):
        wrapper_cfg['device_ids'] = None


def setup_distributed(cfg: Config, launcher: str) -> bool:
    """Prepare a distributed run on a machine without an accelerator.

    Call it before ``Runner.from_cfg(cfg)``. When ``launcher`` is not
    ``'none'`` and mmengine finds no accelerator, it

    - initialises the default process group with a CPU backend (``gloo``
      unless ``env_cfg.dist_cfg.backend`` is ``'mpi'``) through
      mmengine's ``init_dist``, which reads the launcher's variables as on
      a GPU machine (``env_cfg.dist_cfg.port``, else ``MASTER_PORT``, else
      29500 for slurm and mpi);
    - records that backend in ``cfg.env_cfg.dist_cfg.backend``;
    - sets ``cfg.model_wrapper_cfg`` to ``MMDistributedDataParallel`` with
      ``device_ids=None``, ``broadcast_buffers=False`` and the config's
      ``find_unused_parameters``, unless ``model_wrapper_cfg`` is set.

    Everywhere else (a single process, or any accelerator) it changes
    nothing.

    Args:
        cfg (Config): The full config; updated in place.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.

    Returns:
        bool: Whether the CPU path was taken.
    """
    if not uses_cpu_distributed(launcher):
        return False
    if cfg.get('env_cfg') is None:
        cfg.env_cfg = ConfigDict()
    if cfg.env_cfg.get('dist_cfg') is None:
        cfg.env_cfg.dist_cfg = ConfigDict()
    kwargs = _cpu_dist_kwargs(cfg.env_cfg.dist_cfg)
    cfg.env_cfg.dist_cfg.backend = kwargs['backend']
    if not torch_dist.is_initialized():
        # The Runner's order (multi-processing first), so that init_dist
        # does not pick the 'spawn' start method over the config's.
        set_multi_processing(
            **cfg.env_cfg.get('mp_cfg', {}), distributed=True)
        init_cpu_dist(launcher, **kwargs)
    _cpu_model_wrapper_cfg(cfg)
    print_log(
        f'No accelerator: zkd_mm initialised the {launcher!r} launch on CPU '
        f'(backend {kwargs["backend"]}, rank {torch_dist.get_rank()}/'
        f'{torch_dist.get_world_size()}, DDP without device_ids).',
        logger='current')
    return True
