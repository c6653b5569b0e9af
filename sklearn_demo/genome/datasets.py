"""Peaks on a genome as a labelled data set."""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import numpy as np

from .._validation import Options, check_parameter
from .intervals import Peaks, read_peaks
from .reference import open_genome
from .windows import BACKGROUNDS, WindowReport, Windows, background_windows, peak_windows


@dataclass(frozen=True)
class PeakDataset:
    """Bound windows (label 1) and unbound ones (label 0), with coordinates."""

    X: np.ndarray
    """ndarray of str, shape (n,)"""
    y: np.ndarray
    chrom: np.ndarray
    """Chromosome of each window: ``groups`` for :class:`ChromosomeHoldout`.
    A shuffled negative carries its peak's coordinates."""
    start: np.ndarray
    end: np.ndarray
    name: np.ndarray
    report: WindowReport
    """What happened to the peaks on their way to windows."""
    negatives: str


def load_peak_dataset(
    peaks: str | os.PathLike | Peaks,
    genome: object,
    *,
    width: int = 101,
    centre: str = "summit",
    off_end: str = "skip",
    max_n_fraction: float = 0.1,
    negatives: str = "shuffle",
    random_state: int | None = 0,
) -> PeakDataset:
    """Peaks on a genome as a labelled data set.

    Read more in the :doc:`User Guide </guide/data>`.

    Bound: :func:`peak_windows`. Unbound (``negatives``): ``"shuffle"``, a
    dinucleotide shuffle of each bound window (DeepBind's and this package's
    default: same composition, no motif); ``"flank"`` or ``"gc"``, windows
    of the same genome (:func:`background_windows`). Seeded by
    ``random_state``. Train on both strands with the estimators'
    ``reverse_complement``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rng = np.random.RandomState(0)
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "".join(rng.choice(list("ACGT"), 3000)) + "\\n")
    >>> _ = (folder / "p.bed").write_text("chr1\\t1000\\t1200\\nchr1\\t2000\\t2100\\n")
    >>> data = load_peak_dataset(folder / "p.bed", folder / "g.fa")
    >>> data.y.tolist(), data.chrom.tolist()
    ([1, 1, 0, 0], ['chr1', 'chr1', 'chr1', 'chr1'])
    """
    from ..shuffle import dinucleotide_shuffle

    check_parameter("load_peak_dataset", "negatives", negatives, [Options(("shuffle",) + BACKGROUNDS)])
    table = peaks if isinstance(peaks, Peaks) else read_peaks(peaks)
    fasta = open_genome(genome)
    bound = peak_windows(table, fasta, width=width, centre=centre, off_end=off_end,
                         max_n_fraction=max_n_fraction)
    if len(bound) == 0:
        raise ValueError(f"no peak window could be cut from the genome: {bound.report}.")
    if negatives == "shuffle":
        unbound = Windows(dinucleotide_shuffle(bound.sequences, random_state=random_state),
                          bound.chrom, bound.start, bound.end,
                          np.char.add(bound.name.astype(str), "_shuffled"), bound.report)
    else:
        unbound = background_windows(bound, fasta, method=negatives,
                                     max_n_fraction=max_n_fraction, random_state=random_state)
        if len(unbound) == 0:
            raise ValueError(
                f"no {negatives} background window could be drawn for {len(bound)} peak windows "
                "(every candidate overlapped a peak, ran off a chromosome or held too many N); "
                "use negatives='shuffle' or 'gc'" + (", or peaks further apart"
                                                     if negatives == "flank" else ""))
        if len(unbound) < len(bound):
            warnings.warn(f"{negatives} background: {len(unbound)} windows drawn for "
                          f"{len(bound)} peak windows; the classes are unbalanced.", stacklevel=2)
    return PeakDataset(
        np.concatenate([bound.sequences, unbound.sequences]),
        np.r_[np.ones(len(bound), dtype=int), np.zeros(len(unbound), dtype=int)],
        np.concatenate([bound.chrom, unbound.chrom]),
        np.concatenate([bound.start, unbound.start]),
        np.concatenate([bound.end, unbound.end]),
        np.concatenate([bound.name.astype(str), unbound.name.astype(str)]),
        bound.report, negatives)
