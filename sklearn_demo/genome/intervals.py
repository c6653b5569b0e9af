"""BED and narrowPeak intervals (0-based, end excluded)."""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..io import open_text


@dataclass(frozen=True)
class Peaks:
    """Intervals of a BED or narrowPeak file, one entry per line."""

    chrom: np.ndarray
    """ndarray of str, shape (n,)"""
    start: np.ndarray
    """ndarray of int64, shape (n,): 0-based start."""
    end: np.ndarray
    """ndarray of int64, shape (n,): end, excluded."""
    summit: np.ndarray
    """ndarray of int64, shape (n,): the summit's offset from ``start``
    (narrowPeak column 10), -1 where there is none."""
    name: np.ndarray
    """ndarray of str, shape (n,): column 4, or ``chrom:start-end``."""

    def __len__(self) -> int:
        return len(self.chrom)


def read_peaks(path: str | os.PathLike) -> Peaks:
    """Read a BED (3 or more columns) or ENCODE narrowPeak file, plain or gzip.

    ``track``, ``browser`` and ``#`` lines are skipped. A malformed line is a
    ``ValueError`` naming the file, the line number and the problem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "peaks.narrowPeak"
    >>> _ = path.write_text("chr1\\t100\\t300\\tp1\\t0\\t.\\t5.0\\t-1\\t-1\\t120\\n")
    >>> peaks = read_peaks(path)
    >>> peaks.chrom.tolist(), peaks.start.tolist(), peaks.summit.tolist()
    (['chr1'], [100], [120])
    """
    chrom, start, end, summit, name = [], [], [], [], []
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.rstrip("\n\r").split("\t")
            where = f"{path}, line {number}"
            if len(fields) < 3:
                raise ValueError(f"{where}: a BED line needs chrom, start and end "
                                 f"(tab-separated); got {len(fields)} field(s).")
            try:
                first, last = int(fields[1]), int(fields[2])
                offset = int(fields[9]) if len(fields) >= 10 else -1
            except ValueError:
                raise ValueError(f"{where}: start, end (and narrowPeak's summit, column 10) "
                                 f"must be integers; got {fields[1:3]}"
                                 f"{' and ' + repr(fields[9]) if len(fields) >= 10 else ''}."
                                 ) from None
            if first < 0 or last <= first:
                raise ValueError(f"{where}: needs 0 <= start < end; got start={first}, "
                                 f"end={last}.")
            if offset >= last - first:
                raise ValueError(f"{where}: the summit offset {offset} lies outside the "
                                 f"interval of length {last - first}.")
            chrom.append(fields[0])
            start.append(first)
            end.append(last)
            summit.append(max(offset, -1))
            name.append(fields[3] if len(fields) >= 4 and fields[3] not in ("", ".")
                        else f"{fields[0]}:{first}-{last}")
    if not chrom:
        raise ValueError(f"{path}: no intervals (an empty BED file).")
    return Peaks(np.array(chrom), np.array(start, dtype=np.int64),
                 np.array(end, dtype=np.int64), np.array(summit, dtype=np.int64),
                 np.array(name))
