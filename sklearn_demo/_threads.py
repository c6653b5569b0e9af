"""Calling the numba-compiled motif tools without changing torch's threads.

numba's OpenMP threading layer and torch share one OpenMP runtime: a
parallel numba kernel (memelite's TOMTOM and FIMO, TF-MoDISco) sets the
runtime's thread count to numba's, the machine's cores, and torch then
computes on that many threads for the rest of the process. A user who asked
torch for one thread per process (one process per core, as ``--n-jobs -1``
and pytest-xdist run) got every process on every core after the first motif
match: twice the CPU time for the same work on two cores.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def torch_threads_kept() -> Iterator[None]:
    """Put torch's intra-op thread count back, at the end of the block, to
    what it was at the start, whatever the numba kernels inside set. Also a
    decorator (``@torch_threads_kept()``), as every context manager made by
    :func:`contextlib.contextmanager`.

    Examples
    --------
    >>> import torch
    >>> before = torch.get_num_threads()
    >>> with torch_threads_kept():
    ...     torch.set_num_threads(before + 1)
    >>> torch.get_num_threads() == before
    True
    """
    threads = torch.get_num_threads()
    try:
        yield
    finally:
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
