# Copyright (c) zkd_mm contributors. All rights reserved.
"""Load every checkpoint mmengine loads with torch's weights-only unpickler.

mmengine 0.10.7 reads checkpoints through ``CheckpointLoader``, one loader
per path scheme. Its local loader calls ``torch.load`` without
``weights_only`` (unsafe before torch 2.6, and whenever
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` is set), and its ``http(s)://``
loader calls ``torch.hub.load_state_dict_from_url``, whose default is
``weights_only=False``: a pickle served from a URL, or already in
torch.hub's cache under the URL's file name, ran arbitrary code.
``torchvision://``, ``open-mmlab://`` and ``mmcls://`` resolve to such URLs.

:func:`install` re-registers a loader for every scheme mmengine ships
(``CheckpointLoader.register_scheme(..., force=True)``, its public API)
that passes ``weights_only=True`` explicitly, which also overrides
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``. The allowlist of
:mod:`zkd_mm.compat.checkpoint_safe_globals` then admits exactly what
mmengine and mmpretrain checkpoints hold. A refused file raises
:class:`UnsafeCheckpointError`, naming the file and the refused global.

The name tables of the ``torchvision://``, ``open-mmlab://`` and
``mmcls://`` schemes are mmengine's own; ``_get_mmengine_home`` and
``_process_mmcls_checkpoint`` are private mmengine helpers, checked on
mmengine 0.10.7.
"""
import io
import os
import os.path as osp
import pickle
from tempfile import TemporaryDirectory
from typing import Any, Callable, Dict, Optional, Tuple, Union

import torch
from mmengine.dist import get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

MapLocation = Optional[Union[str, torch.device, Callable, Dict]]


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds objects outside the weights-only allowlist."""


def _refused(source: str, error: Exception) -> UnsafeCheckpointError:
    return UnsafeCheckpointError(
        f'zkd_mm refused to load checkpoint {source}: it holds objects that '
        'torch\'s weights-only unpickler does not allow, so loading it could '
        'run code from the file. Only tensors, containers, numpy arrays and '
        'mmengine\'s HistoryBuffer are allowed. If you trust this file, '
        'convert it once with torch.load(path, weights_only=False) and save '
        f'its state dict. Cause: {error}')


def load_weights_only(source: Union[str, io.BytesIO],
                      map_location: MapLocation = None,
                      name: Optional[str] = None) -> Any:
    """``torch.load(source, map_location, weights_only=True)``.

    Args:
        source (str | io.BytesIO): A file path or an in-memory file.
        map_location: As for ``torch.load``.
        name (str, optional): How to name the checkpoint in the error.

    Returns:
        The loaded object.

    Raises:
        UnsafeCheckpointError: If the file holds a disallowed global.
    """
    try:
        return torch.load(
            source, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        raise _refused(name or str(source), error) from None


def load_from_local(filename: str, map_location: MapLocation = None) -> Any:
    """Load a local checkpoint, weights only."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return load_weights_only(filename, map_location)


def _hub_load(url: str, map_location: MapLocation,
              model_dir: Optional[str], progress: bool) -> Any:
    try:
        return torch.hub.load_state_dict_from_url(
            url,
            model_dir=model_dir,
            map_location=map_location,
            progress=progress,
            weights_only=True)
    except pickle.UnpicklingError as error:
        raise _refused(url, error) from None


def load_from_http(filename: str,
                   map_location: MapLocation = None,
                   model_dir: Optional[str] = None,
                   progress: bool = os.isatty(0)) -> Any:
    """Download (or take from torch.hub's cache) and load, weights only.

    As mmengine's loader, rank 0 downloads first; the other ranks then read
    the cached file.
    """
    rank, world_size = get_dist_info()
    checkpoint = None
    if rank == 0:
        checkpoint = _hub_load(filename, map_location, model_dir, progress)
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            checkpoint = _hub_load(filename, map_location, model_dir,
                                   progress)
    return checkpoint


def load_from_torchvision(filename: str,
                          map_location: MapLocation = None) -> Any:
    """``torchvision://<name>`` (or ``modelzoo://<name>``), weights only."""
    name = filename.split('://', 1)[1]
    url = mmengine_checkpoint.get_torchvision_models()[name]
    return load_from_http(url, map_location=map_location)


def load_from_openmmlab(filename: str,
                        map_location: MapLocation = None) -> Any:
    """``open-mmlab://<name>`` (or ``openmmlab://``), weights only."""
    name = filename.split('://', 1)[1]
    name = mmengine_checkpoint.get_deprecated_model_names().get(name, name)
    url = mmengine_checkpoint.get_external_models()[name]
    if url.startswith(('http://', 'https://')):
        return load_from_http(url, map_location=map_location)
    return load_from_local(
        osp.join(mmengine_checkpoint._get_mmengine_home(), url),
        map_location)


def load_from_mmcls(filename: str, map_location: MapLocation = None) -> Any:
    """``mmcls://<name>``, weights only."""
    url = mmengine_checkpoint.get_mmcls_models()[filename[len('mmcls://'):]]
    return mmengine_checkpoint._process_mmcls_checkpoint(
        load_from_http(url, map_location=map_location))


def load_from_ceph(filename: str,
                   map_location: MapLocation = None,
                   backend: str = 'petrel') -> Any:
    """``s3://`` or ``petrel://`` through mmengine's file backend."""
    file_backend = get_file_backend(
        filename, backend_args={'backend': backend})
    with io.BytesIO(file_backend.get(filename)) as buffer:
        return load_weights_only(buffer, map_location, name=filename)


def load_from_pavi(filename: str, map_location: MapLocation = None) -> Any:
    """``pavi://`` model cloud files, weights only."""
    try:
        from pavi import modelcloud
    except ImportError:
        raise ImportError(
            'Please install pavi to load checkpoint from modelcloud.')
    model = modelcloud.get(filename[len('pavi://'):])
    with TemporaryDirectory() as tmp_dir:
        downloaded = osp.join(tmp_dir, model.name)
        model.download(downloaded)
        return load_weights_only(downloaded, map_location, name=filename)


# Every scheme mmengine 0.10.7 registers, with the loader that replaces it.
SCHEMES: Tuple[Tuple[Tuple[str, ...], Callable], ...] = (
    (('', ), load_from_local),
    (('http://', 'https://'), load_from_http),
    (('modelzoo://', 'torchvision://'), load_from_torchvision),
    (('open-mmlab://', 'openmmlab://'), load_from_openmmlab),
    (('mmcls://', ), load_from_mmcls),
    ((r'(\S+\:)?s3://', r'(\S+\:)?petrel://'), load_from_ceph),
    (('pavi://', ), load_from_pavi),
)


def install() -> None:
    """Register the weights-only loaders for all schemes; idempotent."""
    for prefixes, loader in SCHEMES:
        CheckpointLoader.register_scheme(prefixes, loader, force=True)
