"""Progress bars (tqdm) for long work, shown only on a terminal."""
from __future__ import annotations

import sys
from collections.abc import Iterable

from tqdm.auto import tqdm


def progress(iterable: Iterable | None = None, *, total: int | None = None, desc: str = "",
             unit: str = "it") -> tqdm:
    """A tqdm bar on standard error when it is a terminal, silent otherwise
    (log files and tests stay clean); it closes itself when the work ends.

    Examples
    --------
    >>> sum(progress(range(3), desc="counting"))
    3
    """
    return tqdm(iterable, total=total, desc=desc, unit=unit, leave=False,
                disable=not sys.stderr.isatty(), file=sys.stderr)
