"""Windows read from the indexed genome while training: a torch ``Dataset``
that holds coordinates and labels, never the sequences."""
from __future__ import annotations

import os
from collections.abc import Sequence
from numbers import Integral

import numpy as np
from torch.utils.data import Dataset

from .._validation import Interval, check_parameter
from ..encoding import one_hot_encode
from .reference import fetch_bases, open_genome


class GenomeWindowDataset(Dataset):
    """Fixed-width windows of a genome FASTA, one-hot encoded when read, with
    their labels: what the classifiers' ``fit`` streams from.

    Memory holds the coordinates and the labels (a few bytes per window and
    task), not the sequences, so a million 1,000-bp windows train in the
    memory of one batch. Each process (skorch's loader workers, set with
    ``iterator_train__num_workers``) opens its own handle on the indexed
    FASTA. Read more in the :doc:`User Guide </guide/data>`.

    Parameters
    ----------
    genome : str or path
        Genome FASTA; indexed (``.fai``) on first use.
    chrom : array-like of str, shape (n,)
    start : array-like of int, shape (n,)
        0-based start of each window; bases outside a chromosome read as N.
    labels : array-like of shape (n,) or (n, n_tasks)
        0/1 (NaN: unknown); any dtype, converted per window to float32, so
        a ``uint8`` or memory-mapped matrix stays small.
    width : int
        Bases per window.
    tasks : sequence of str or None, default=None
        Task names (the columns of ``labels``); a classifier fitted on the
        dataset keeps them as ``tasks_``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "ACGT" * 50 + "\\n")
    >>> data = GenomeWindowDataset(folder / "g.fa", ["chr1", "chr1"], [0, 198],
    ...                            np.array([[1, 0], [0, 1]], dtype="uint8"), width=4)
    >>> x, y = data[1]
    >>> x.shape, x[:, -1].tolist(), y.tolist()  # G, T, then N past the end
    ((4, 4), [0.25, 0.25, 0.25, 0.25], [0.0, 1.0])
    """

    def __init__(self, genome: str | os.PathLike, chrom: Sequence[str], start: Sequence[int],
                 labels: object, *, width: int, tasks: Sequence[str] | None = None):
        check_parameter("GenomeWindowDataset", "width", width, [Interval(Integral, 1, None)])
        self.genome = os.fspath(genome)
        self.chrom_names, codes = np.unique(np.asarray(chrom, dtype=str), return_inverse=True)
        self.chrom_codes = codes.astype(np.int32)
        self.start = np.asarray(start, dtype=np.int64)
        self.labels = labels if isinstance(labels, np.ndarray) else np.asarray(labels)
        self.width = int(width)
        self.tasks = None if tasks is None else list(tasks)
        if not (len(self.chrom_codes) == len(self.start) == len(self.labels)):
            raise ValueError(
                f"GenomeWindowDataset: chrom ({len(self.chrom_codes)}), start ({len(self.start)}) "
                f"and labels ({len(self.labels)}) must have one entry per window.")
        fasta = open_genome(self.genome)
        missing = [str(name) for name in self.chrom_names if name not in fasta]
        if missing:
            raise ValueError(f"GenomeWindowDataset: chromosomes {missing[:5]} are not in "
                             f"{self.genome!r}.")
        self._fasta, self._pid = fasta, os.getpid()

    def __len__(self) -> int:
        return len(self.start)

    def _genome(self):
        if self._pid != os.getpid():  # a loader worker: its own file handle
            self._fasta, self._pid = open_genome(self.genome), os.getpid()
        return self._fasta

    def sequence(self, index: int) -> str:
        """The bases of window ``index``."""
        chrom = self.chrom_names[self.chrom_codes[index]]
        start = int(self.start[index])
        return fetch_bases(self._genome(), chrom, start, start + self.width)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        x = one_hot_encode([self.sequence(index)])[0]
        return x, np.asarray(self.labels[index], dtype=np.float32)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_fasta"], state["_pid"] = None, None  # reopened where unpickled
        return state
