"""Streaming work in batches through joblib, in order, in bounded memory."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from ._progress import progress


def map_batches(
    task: Callable[[list], object],
    items: Iterable,
    batch_size: int,
    *,
    n_jobs: int | None = None,
    desc: str = "",
    total: int | None = None,
) -> Iterator[object]:
    """``task(batch)`` for consecutive ``batch_size`` batches of ``items``,
    yielded in order as they finish, with a progress bar over batches.

    Batches run through joblib (``n_jobs`` processes, or a Dask or Ray
    cluster inside ``joblib.parallel_config``); ``items`` is read lazily and
    at most ``2 * n_jobs`` batches are in flight, so memory stays bounded.
    ``task`` must pickle for parallel backends (e.g. a ``functools.partial``
    of a module-level function). ``total`` is the number of batches, if known.

    Examples
    --------
    >>> list(map_batches(sum, range(7), 3))
    [3, 12, 6]
    """
    from joblib import Parallel, delayed

    items = iter(items)
    batches = iter(lambda: list(islice(items, batch_size)), [])
    results = Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="2*n_jobs")(
        delayed(task)(batch) for batch in batches)
    return iter(progress(results, total=total, desc=desc, unit="batch"))
