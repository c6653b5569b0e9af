"""The inference layer's writers: each takes a batch of keys and values at a
time and writes them as they come, into a temporary file beside the output
that is renamed only when the run completes (an error leaves no partial
file). All are context managers. Variant effects have writers of their own
(:mod:`sklearn_demo.effects_output`: TSV, Parquet, annotated VCF).

========================  ==========================================================
writer                    output
========================  ==========================================================
:class:`TableWriter`      TSV with a header; ``"-"`` is standard output
:class:`BedGraphWriter`   ``chrom start end value`` per window (bedGraph)
:class:`ArrayWriter`      ``.npy`` (n, ...) float32 through a memory map, and the
                          keys in ``.names.txt``
:class:`NpzWriter`        ``.npz`` of the values and the windows' coordinates
:class:`BigWigWriter`     one value per base, the mean where windows overlap
========================  ==========================================================
"""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .._atomic import atomic_path


class _AtomicText:
    """A text file written through :func:`atomic_path` ("-": standard output)."""

    def __init__(self, path: str | os.PathLike):
        self.path = path
        self._stack = contextlib.ExitStack()

    def __enter__(self):
        if str(self.path) == "-":
            self.handle = sys.stdout
        else:
            tmp = self._stack.enter_context(atomic_path(self.path))
            self.handle = self._stack.enter_context(open(tmp, "w"))
        return self

    def __exit__(self, *exc_info) -> bool:
        return self._stack.__exit__(*exc_info)


class TableWriter(_AtomicText):
    """TSV rows under a header of ``columns``; ``write(rows)`` takes an
    iterable of tuples of already formatted fields.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.tsv"
    >>> with TableWriter(path, ("name", "p")) as out:
    ...     out.write([("a", "0.5")])
    >>> path.read_text()
    'name\\tp\\na\\t0.5\\n'
    """

    def __init__(self, path: str | os.PathLike, columns: Sequence[str]):
        super().__init__(path)
        self.columns = tuple(columns)

    def __enter__(self) -> TableWriter:
        super().__enter__()
        self.handle.write("\t".join(self.columns) + "\n")
        return self

    def write(self, rows) -> None:
        self.handle.writelines("\t".join(row) + "\n" for row in rows)


class BedGraphWriter(_AtomicText):
    """``chrom start end value`` lines (0-based, end excluded; starts below 0,
    from windows padded past a chromosome's start, are written as 0).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.bedGraph"
    >>> with BedGraphWriter(path) as out:
    ...     out.write(["chr1"], np.array([-3]), np.array([98]), np.array([0.25]))
    >>> path.read_text()
    'chr1\\t0\\t98\\t0.25\\n'
    """

    def write(self, chrom: Sequence[str], start: np.ndarray, end: np.ndarray,
              values: np.ndarray) -> None:
        self.handle.writelines(
            f"{c}\t{max(0, s)}\t{e}\t{v:.6g}\n"
            for c, s, e, v in zip(chrom, np.asarray(start).tolist(), np.asarray(end).tolist(),
                                  np.asarray(values).tolist()))


class ArrayWriter:
    """An ``(n_rows, ...)`` float32 ``.npy`` written batch by batch through a
    memory map (open it with ``np.load(path, mmap_mode="r")``), and each
    row's key on its line of ``path + ".names.txt"``. Every batch must have
    the first batch's shape beyond its rows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.npy"
    >>> with ArrayWriter(path, 3) as out:
    ...     out.write(["a", "b"], np.ones((2, 4)))
    ...     out.write(["c"], np.zeros((1, 4)))
    >>> np.load(path).sum(), (path.parent / "a.npy.names.txt").read_text().split()
    (np.float32(8.0), ['a', 'b', 'c'])
    """

    def __init__(self, path: str | os.PathLike, n_rows: int, *, source: str = ""):
        self.path, self.n_rows, self.source = path, n_rows, source
        self.written = 0
        self._array = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> ArrayWriter:
        self._tmp = self._stack.enter_context(atomic_path(self.path, suffix=".npy"))
        names = self._stack.enter_context(atomic_path(Path(str(self.path) + ".names.txt")))
        self._names = self._stack.enter_context(open(names, "w"))
        return self

    def write(self, keys: Sequence[object], values: np.ndarray) -> None:
        if self._array is None:
            self._array = np.lib.format.open_memmap(self._tmp, mode="w+", dtype=np.float32,
                                                    shape=(self.n_rows, *values.shape[1:]))
        elif values.shape[1:] != self._array.shape[1:]:
            raise ValueError(
                f"{self.source}, records {self.written + 1}-{self.written + len(keys)}: values "
                f"of shape {values.shape[1:]} after {self._array.shape[1:]} before; an array "
                "needs sequences of one length.")
        self._array[self.written:self.written + len(keys)] = values
        self._names.writelines(f"{key}\n" for key in keys)
        self.written += len(keys)

    def __exit__(self, *exc_info) -> bool:
        if self._array is not None:
            self._array.flush()
            self._array = None  # close the memory map before the file is renamed
        return self._stack.__exit__(*exc_info)


def write_npz(path: str | os.PathLike, values: np.ndarray, windows: object,
              name: str = "attributions") -> None:
    """``values`` (float32) and each window's ``chrom``, ``start``, ``end``,
    ``name`` into a compressed ``.npz`` (read with ``numpy.load``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from types import SimpleNamespace
    >>> windows = SimpleNamespace(chrom=np.array(["chr1"]), start=np.array([5]),
    ...                           end=np.array([9]), name=np.array(["p"]))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.npz"
    >>> write_npz(path, np.zeros((1, 4, 4)), windows)
    >>> sorted(np.load(path))
    ['attributions', 'chrom', 'end', 'name', 'start']
    """
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez_compressed(tmp, **{name: np.asarray(values, dtype=np.float32)},
                            chrom=windows.chrom.astype(str), start=windows.start,
                            end=windows.end, name=windows.name.astype(str))


def write_bigwig(path: str | os.PathLike, chromosome_sizes: dict[str, int], chrom: np.ndarray,
                 start: np.ndarray, values: np.ndarray) -> None:
    """One value per base of the windows starting at ``start`` on ``chrom``
    (``values`` of shape (n, width)), the mean where windows overlap, sorted,
    per chromosome (``pyBigWig``, the ``genome`` extra)."""
    import pyBigWig

    chromosomes = list(dict.fromkeys(np.asarray(chrom).tolist()))
    with atomic_path(path, suffix=".bw") as tmp:
        track = pyBigWig.open(str(tmp), "w")
        try:
            track.addHeader([(c, chromosome_sizes[c]) for c in chromosomes])
            for name in chromosomes:
                rows = np.flatnonzero(chrom == name)
                positions = (start[rows, None] + np.arange(values.shape[1])).ravel()
                flat = values[rows].ravel().astype(np.float64)
                inside = (positions >= 0) & (positions < chromosome_sizes[name])
                unique, inverse = np.unique(positions[inside], return_inverse=True)
                mean = (np.bincount(inverse, weights=flat[inside])
                        / np.bincount(inverse)).tolist()
                if len(unique) and unique[-1] - unique[0] == len(unique) - 1:
                    track.addEntries(name, int(unique[0]), values=mean, span=1, step=1)
                elif len(unique):
                    track.addEntries([name] * len(unique), unique.tolist(),
                                     ends=(unique + 1).tolist(), values=mean)
        finally:
            track.close()
