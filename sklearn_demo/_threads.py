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

import functools
from collections.abc import Callable
from typing import TypeVar

import torch

F = TypeVar("F", bound=Callable)


def keeps_torch_threads(function: F) -> F:
    """Decorate ``function`` so that torch's intra-op thread count is the
    same after it as before it, whatever the numba kernels it calls set.

    Examples
    --------
    >>> import torch
    >>> @keeps_torch_threads
    ... def changes_threads():
    ...     torch.set_num_threads(torch.get_num_threads() + 1)
    >>> before = torch.get_num_threads()
    >>> changes_threads()
    >>> torch.get_num_threads() == before
    True
    """
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        threads = torch.get_num_threads()
        try:
            return function(*args, **kwargs)
        finally:
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)
    return wrapper  # type: ignore[return-value]
