# Copyright (c) zkd_mm contributors. All rights reserved.
"""Distributed launches on machines without an accelerator.

mmengine 0.10.7 cannot run a distributed job on a CPU-only machine: its
``init_dist`` calls ``torch.cuda.set_device`` for the ``pytorch``, ``slurm``
and ``mpi`` launchers, and its Runner wraps the model in DDP with
``device_ids=[LOCAL_RANK]``, which DDP rejects for a CPU module.

:func:`setup_distributed` works around both without touching installed
files. On a machine with no accelerator it initialises the default process
group itself, from the launcher's environment variables (the Runner then
skips ``init_dist``, because a group already exists), and it asks for a DDP
wrapper without ``device_ids``. Anywhere else it does nothing.
"""
import datetime
import os
import subprocess
from typing import Optional, Tuple

import torch.distributed as torch_dist
from mmengine.config import Config, ConfigDict
from mmengine.device import get_device
from mmengine.logging import print_log
from mmengine.registry import MODEL_WRAPPERS
from torch.nn.parallel import DistributedDataParallel

LAUNCHERS = ('pytorch', 'slurm', 'mpi')
CPU_BACKENDS = ('gloo', 'mpi')
DEFAULT_PORT = 29500


def uses_cpu_distributed(launcher: str) -> bool:
    """Whether :func:`setup_distributed` takes over for ``launcher``.

    Args:
        launcher (str): The job launcher, ``'none'`` for a single process.

    Returns:
        bool: True for a distributed launcher on a machine where mmengine
        finds no accelerator (no CUDA, NPU, MLU, MUSA or MPS device).
    """
    return launcher != 'none' and get_device() == 'cpu'


def _env(name: str, launcher: str) -> str:
    """Read a variable the launcher must have set, or say which is missing."""
    try:
        return os.environ[name]
    except KeyError:
        raise KeyError(f'The {launcher!r} launcher needs the environment '
                       f'variable {name}, which is not set. Start the job '
                       f'with the matching launcher (torchrun for '
                       f'"pytorch", srun for "slurm", mpirun for "mpi").'
                       ) from None


def _first_slurm_host(node_list: str) -> str:
    """The first host of a Slurm node list, via ``scontrol``."""
    try:
        result = subprocess.run(['scontrol', 'show', 'hostnames', node_list],
                                capture_output=True,
                                text=True,
                                check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise RuntimeError(
            f'Could not expand SLURM_NODELIST={node_list!r} with '
            f'`scontrol show hostnames` ({error}). Set MASTER_ADDR to the '
            'address of the first node instead.') from error
    hosts = result.stdout.split()
    if not hosts:
        raise RuntimeError(f'`scontrol show hostnames {node_list}` printed '
                           'no host. Set MASTER_ADDR instead.')
    return hosts[0]


def _master_port(port: Optional[int]) -> str:
    """mmengine's order: the config's port, then MASTER_PORT, then 29500."""
    if port is not None:
        return str(port)
    return os.environ.get('MASTER_PORT', str(DEFAULT_PORT))


def _read_launcher_env(launcher: str,
                       port: Optional[int]) -> Tuple[int, int, int]:
    """Export RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT.

    Args:
        launcher (str): One of :data:`LAUNCHERS`.
        port (int, optional): ``env_cfg.dist_cfg.port``. Only the ``slurm``
            and ``mpi`` launchers use it; torchrun fixes the port itself.

    Returns:
        tuple[int, int, int]: The rank, world size and local rank.
    """
    if launcher == 'pytorch':
        rank = _env('RANK', launcher)
        world_size = _env('WORLD_SIZE', launcher)
        local_rank = os.environ.get('LOCAL_RANK', '0')
        _env('MASTER_ADDR', launcher)
        _env('MASTER_PORT', launcher)
    elif launcher == 'slurm':
        rank = _env('SLURM_PROCID', launcher)
        world_size = _env('SLURM_NTASKS', launcher)
        local_rank = os.environ.get('SLURM_LOCALID', '0')
        if 'MASTER_ADDR' not in os.environ:
            os.environ['MASTER_ADDR'] = _first_slurm_host(
                _env('SLURM_NODELIST', launcher))
        os.environ['MASTER_PORT'] = _master_port(port)
    elif launcher == 'mpi':
        rank = _env('OMPI_COMM_WORLD_RANK', launcher)
        world_size = _env('OMPI_COMM_WORLD_SIZE', launcher)
        local_rank = _env('OMPI_COMM_WORLD_LOCAL_RANK', launcher)
        _env('MASTER_ADDR', launcher)
        os.environ['MASTER_PORT'] = _master_port(port)
    else:
        raise ValueError(f'Unknown launcher {launcher!r}; expected one of '
                         f'{LAUNCHERS}.')
    os.environ.update(RANK=rank, WORLD_SIZE=world_size, LOCAL_RANK=local_rank)
    return int(rank), int(world_size), int(local_rank)


def init_cpu_process_group(launcher: str,
                           backend: str = 'gloo',
                           port: Optional[int] = None,
                           timeout: Optional[float] = None,
                           **kwargs) -> None:
    """Initialise the default process group without any CUDA call.

    Args:
        launcher (str): ``'pytorch'``, ``'slurm'`` or ``'mpi'``.
        backend (str): A CPU backend, ``'gloo'`` or ``'mpi'``.
            Defaults to ``'gloo'``.
        port (int, optional): Master port for ``slurm`` and ``mpi``.
            Defaults to None (``$MASTER_PORT``, else 29500).
        timeout (float, optional): Collective timeout in seconds.
            Defaults to None (torch's default).
        **kwargs: Passed on to ``torch.distributed.init_process_group``.
    """
    if backend not in CPU_BACKENDS:
        raise ValueError(f'Backend {backend!r} needs an accelerator; use one '
                         f'of {CPU_BACKENDS} on a CPU-only machine.')
    rank, world_size, _ = _read_launcher_env(launcher, port)
    if timeout is not None:
        kwargs['timeout'] = datetime.timedelta(seconds=timeout)
    torch_dist.init_process_group(
        backend=backend,
        init_method='env://',
        rank=rank,
        world_size=world_size,
        **kwargs)


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
      unless ``env_cfg.dist_cfg.backend`` is ``'mpi'``), from the
      launcher's variables: ``RANK``/``WORLD_SIZE``/``LOCAL_RANK`` and
      ``MASTER_ADDR``/``MASTER_PORT`` (pytorch), ``SLURM_PROCID``/
      ``SLURM_NTASKS``/``SLURM_LOCALID`` and the first host of
      ``SLURM_NODELIST`` unless ``MASTER_ADDR`` is set (slurm), or
      ``OMPI_COMM_WORLD_*`` (mpi). The port is ``env_cfg.dist_cfg.port``,
      else ``MASTER_PORT``, else 29500;
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
        init_cpu_process_group(launcher, **kwargs)
    _cpu_model_wrapper_cfg(cfg)
    print_log(
        f'No accelerator: zkd_mm initialised the {launcher!r} launch on CPU '
        f'(backend {kwargs["backend"]}, rank {torch_dist.get_rank()}/'
        f'{torch_dist.get_world_size()}, DDP without device_ids).',
        logger='current')
    return True
