# Copyright (c) zkd_mm contributors. All rights reserved.
"""End a distributed run so that no rank aborts at interpreter exit.

A gloo process group runs collectives on its own C++ worker threads. A
worker that finishes an operation frees it afterwards, and freeing the
Python tensors the operation held needs the GIL. If the main thread has
begun to shut the interpreter down by then, Python 3.11 ends that worker
with ``pthread_exit``, which C++ turns into ``std::terminate``: the rank
prints ``terminate called without an active exception`` and aborts, and
``srun --kill-on-bad-exit=1`` cancels a job whose training had finished.
A core dump of such a rank showed a gloo worker in
``ProcessGroupGloo::runLoop`` freeing an ``AsyncBarrierWork`` (and the
all-gather it had waited for) while the main thread was in
``Py_FinalizeEx``. mmengine's Runner never destroys its process group.

:func:`finish_distributed` waits for every rank, destroys the default
group and frees it while Python is fully alive. torch frees a process group
with the GIL released and joins its worker threads, so every pending free
has happened before the function returns.
"""
import gc

import torch.distributed as torch_dist
from mmengine.logging import print_log


def finish_distributed() -> bool:
    """Wait for every rank, then destroy and free the default process group.

    Call it once, after the Runner's work succeeded on this rank and after
    the Runner (which holds the DDP wrapper, and so the group) went out of
    scope. A failed rank must not call it: the others would wait for it at
    the barrier.

    Returns:
        bool: Whether there was a process group to destroy.
    """
    if not (torch_dist.is_available() and torch_dist.is_initialized()):
        return False
    group = torch_dist.group.WORLD
    rank, world_size = torch_dist.get_rank(), torch_dist.get_world_size()
    torch_dist.barrier()
    torch_dist.destroy_process_group()
    # Free what still refers to the group (a DDP wrapper in a reference
    # cycle) while ``group`` keeps it alive, so that the last reference
    # goes below, through torch's destructor that releases the GIL.
    gc.collect()
    del group
    print_log(
        f'All {world_size} ranks finished; rank {rank} destroyed its '
        'process group.',
        logger='current')
    return True
