"""The inference layer's sources: what a model runs over, as lazy streams of
numbered ``(number, key, sequence)`` items for
:class:`~sklearn_demo.inference.engine.SequenceTask`.

* :func:`fasta_items`: the records of a FASTA file (or standard input);
* :func:`window_items`: windows cut from a genome around peaks
  (:func:`cut_windows`);
* :func:`tile_items` and :class:`TileTask`: a genome's tiles, read in the
  worker that scores them.

VCF variants are a source of their own (:func:`~sklearn_demo.variants.iter_vcf`):
each becomes a reference and an alternative window in
:func:`~sklearn_demo.variants.variant_effects`.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..genome import Peaks, Windows, open_genome, peak_windows, read_peaks
from ..io import iter_fasta
from .engine import numbered


def fasta_items(path: str | os.PathLike) -> Iterator[tuple[int, str, str]]:
    """Every record of a FASTA file (plain or gzip; ``"-"`` reads standard
    input) as ``(number, name, sequence)``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.fa"
    >>> _ = path.write_text(">a\\nAC\\n>b\\nGT\\n")
    >>> list(fasta_items(path))
    [(1, 'a', 'AC'), (2, 'b', 'GT')]
    """
    return numbered(iter_fasta(path))


def window_items(windows: Windows) -> Iterator[tuple[int, str, str]]:
    """Every window as ``(number, name, sequence)``, in order."""
    return numbered(zip(windows.name.tolist(), windows.sequences.tolist()))


def source_name(peaks: object) -> str:
    """How errors name a source of windows: its path, else "peak windows"."""
    return os.fspath(peaks) if isinstance(peaks, (str, os.PathLike)) else "peak windows"


def cut_windows(peaks: str | os.PathLike | Peaks | Windows, genome: object, **options) -> Windows:
    """``peaks`` (a BED path or :class:`~sklearn_demo.genome.Peaks`) as
    :func:`~sklearn_demo.genome.peak_windows`; :class:`~sklearn_demo.genome.Windows`
    pass through as they are."""
    if isinstance(peaks, Windows):
        return peaks
    table = peaks if isinstance(peaks, Peaks) else read_peaks(peaks)
    return peak_windows(table, genome, **options)


def tile_items(fasta, names: Sequence[str], width: int, step: int) -> Iterator[tuple[str, int]]:
    """``(chrom, start)`` of every whole tile of ``width`` every ``step``
    bases of the chromosomes ``names``, in genome order."""
    return ((name, start) for name in names
            for start in range(0, len(fasta[name]) - width + 1, step))


@dataclass(frozen=True)
class TileTask:
    """Reads a batch of tiles from the genome (opened in the worker) and
    computes on those with at most ``max_n_fraction`` N; returns the kept
    ``(chrom, start)`` and the values."""

    compute: Callable[[list[str]], np.ndarray]
    genome: str
    width: int
    max_n_fraction: float

    def __call__(self, tiles: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], np.ndarray]:
        fasta = open_genome(self.genome)
        kept, sequences = [], []
        for chrom, start in tiles:
            sequence = fasta[chrom][start:start + self.width]
            if sequence.count("N") <= self.max_n_fraction * self.width:
                kept.append((chrom, start))
                sequences.append(sequence)
        return kept, (self.compute(sequences) if sequences else np.empty(0))
