# Copyright (c) zkd_mm contributors. All rights reserved.
"""A test hook: check after training that every rank holds the same model.

It is no part of the zkd_mm package; the distributed tests use it to show
that data-parallel ranks trained in sync. Importing this module registers
:class:`ReplicaConsistencyHook` in mmrazor's ``HOOKS``; a config run by a
tool imports it with ``custom_imports``, the repository root on the path.
"""
import hashlib
from typing import Iterable, List, Tuple

import zkd_mm  # noqa: F401  isort: skip  (the compat layer first)
import torch
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmrazor.registry import HOOKS

NamedTensors = Iterable[Tuple[str, torch.Tensor]]


def _tensor_bytes(tensor: torch.Tensor) -> bytes:
    """The raw bytes of a tensor of any dtype, shape or device."""
    flat = tensor.detach().cpu().contiguous().reshape(-1)
    return flat.view(torch.uint8).numpy().tobytes()


def tensors_digest(named_tensors: NamedTensors) -> str:
    """A sha256 over names, dtypes, shapes and values, sorted by name.

    Args:
        named_tensors (Iterable[tuple[str, torch.Tensor]]): E.g.
            ``model.named_parameters()``.

    Returns:
        str: The hex digest; equal tensors give equal digests.
    """
    sha = hashlib.sha256()
    for name, tensor in sorted(named_tensors, key=lambda item: item[0]):
        header = f'{name}|{tensor.dtype}|{tuple(tensor.shape)}|'
        sha.update(header.encode())
        sha.update(_tensor_bytes(tensor))
    return sha.hexdigest()


def _differing_ranks(digests: List[str]) -> List[int]:
    return [rank for rank, d in enumerate(digests) if d != digests[0]]


@HOOKS.register_module()
class ReplicaConsistencyHook(Hook):
    """Fail a data-parallel run whose replicas diverged.

    After training, every rank hashes the parameters and the buffers of its
    unwrapped model (see :func:`tensors_digest`); the digests are gathered
    on all ranks and logged, one line per rank::

        replica digest rank 0/2: params <hex> buffers <hex>

    If the parameter digests differ, every rank raises
    :class:`RuntimeError`, so the job fails instead of saving one rank's
    view of a model that DDP did not keep in sync. A single process logs
    ``rank 0/1``.

    Buffers are compared only if ``check_buffers`` is True. BatchNorm
    running statistics legitimately differ between ranks: each rank
    updates them from its own batches, DDP does not average them
    (mmengine's default wrapper sets ``broadcast_buffers=False``, and even
    a broadcast happens before, not after, the last forward), and the
    checkpoint keeps rank 0's. Only SyncBN, which has no CPU
    implementation, keeps them equal. So by default a buffer difference is
    logged, not raised.

    Args:
        check_buffers (bool): Also fail when the buffers differ.
            Defaults to False.

    Examples:
        >>> # registered in mmrazor's HOOKS: prefix it outside mmrazor scope
        >>> custom_imports = dict(
        ...     imports=['zkd_mm', 'tests.replica_consistency_hook'],
        ...     allow_failed_imports=False)
        >>> custom_hooks = [dict(type='mmrazor.ReplicaConsistencyHook')]
    """

    priority = 'VERY_LOW'

    def __init__(self, check_buffers: bool = False) -> None:
        self.check_buffers = check_buffers

    def after_train(self, runner) -> None:
        """Hash, gather, log and compare the replicas.

        Args:
            runner (Runner): The runner of the training process.

        Raises:
            RuntimeError: If the ranks' parameters (or, with
                ``check_buffers``, buffers) differ.
        """
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        local = (tensors_digest(model.named_parameters()),
                 tensors_digest(model.named_buffers()))
        gathered = all_gather_object(local)
        _, world_size = get_dist_info()
        for rank, (params, buffers) in enumerate(gathered):
            runner.logger.info(f'replica digest rank {rank}/{world_size}: '
                               f'params {params} buffers {buffers}')
        param_ranks = _differing_ranks([params for params, _ in gathered])
        buffer_ranks = _differing_ranks([buffers for _, buffers in gathered])
        if param_ranks or (buffer_ranks and self.check_buffers):
            kind = 'parameters' if param_ranks else 'buffers'
            raise RuntimeError(
                f'Model replicas diverged: the {kind} of ranks '
                f'{param_ranks or buffer_ranks} differ from rank 0 after '
                'training.')
        if buffer_ranks:
            runner.logger.info(
                f'replica buffers of ranks {buffer_ranks} differ from rank '
                '0 (expected for BatchNorm running statistics without '
                'SyncBN; the checkpoint holds rank 0\'s); parameters are '
                'identical.')
