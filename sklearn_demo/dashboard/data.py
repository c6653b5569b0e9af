"""The data of a dashboard run, with the planted truth when there is one."""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from ..datasets import fetch_deepbind_encode, make_motif_dataset
from ..genome import ChromosomeHoldout, load_peak_dataset
from ..io import load_training_data


@dataclass
class DashboardData:
    """Training and test sequences, and the planted truth when there is one."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    sites_test: list | None = None
    """Per test sequence, its planted ``(motif_id, start, end, strand)`` sites."""
    planted: dict = field(default_factory=dict)
    """Planted motif id -> (name, (4, w) probability matrix)."""
    whole: bool = False
    """True when the training and test set are the same sequences (no split)."""
    grammar: str | None = None
    """The planted order grammar ("pure" or "mixed"), if any: the label depends
    on the order of the two planted motifs (see :func:`make_motif_dataset`)."""

    def summary(self) -> str:
        """One line: the data's name and size."""
        if self.whole:
            return f"{self.name}: {len(self.X_test)} sequences"
        return f"{self.name}: {len(self.X_train)} training and {len(self.X_test)} test sequences"


def load_dashboard_data(
    paths: Sequence[str | os.PathLike] = (),
    *,
    dataset: str | None = None,
    n_samples: int = 3000,
    test_size: float = 0.25,
    seed: int = 0,
    data_home: str | None = None,
    mirror: str | None = None,
    split: bool = True,
    grammar: str | None = None,
    peaks: str | os.PathLike | None = None,
    genome: str | os.PathLike | None = None,
    negatives: str = "shuffle",
    width: int = 101,
    test_chromosomes: Sequence[str] = ("chr8", "chr9"),
) -> DashboardData:
    """Read the dashboard's data.

    * no ``paths`` and no ``dataset``: :func:`make_motif_dataset` with
      planted JASPAR CTCF and GABPA sites (``n_samples`` sequences), with
      the order ``grammar`` "pure" or "mixed" if given;
    * ``dataset``: a DeepBind ENCODE set through :func:`fetch_deepbind_encode`
      (its own ``_AC`` training and ``_B`` test files);
    * two DeepBind ``.seq(.gz)`` files: training and test set;
    * two FASTA files: positives and negatives;
    * one file (FASTA of positives, DeepBind or ``sequence<TAB>label`` TSV):
      all read by :func:`~sklearn_demo.io.load_training_data`;
    * ``peaks`` (BED / narrowPeak) on a ``genome`` FASTA: windows of
      ``width`` bases at the summits and ``negatives`` ("shuffle", "flank" or
      "gc"; :func:`~sklearn_demo.genome.load_peak_dataset`); the windows on
      ``test_chromosomes`` are the test set (a chromosome hold-out), or,
      when none lies there, a stratified random ``test_size``.

    Data without its own test set is split ``test_size`` stratified, or,
    with ``split=False`` (to explain or train on all of it), used whole as
    both the training and the test set.

    Examples
    --------
    >>> from sklearn_demo.dashboard import load_dashboard_data
    >>> data = load_dashboard_data(n_samples=40)
    >>> len(data.X_train), len(data.X_test), sorted(data.planted)
    (30, 10, ['MA0062', 'MA0139'])
    """
    paths = list(paths)
    if sum(map(bool, (dataset, paths, peaks))) > 1:
        raise ValueError("give one of a dataset name, data files or peaks on a genome.")
    if (peaks is None) != (genome is None):
        raise ValueError("peaks and genome go together: give both (--bed and --genome).")
    if peaks is not None:
        return _peak_data(peaks, genome, negatives=negatives, width=width,
                          test_chromosomes=test_chromosomes, test_size=test_size, seed=seed,
                          split=split)
    if grammar is not None and (dataset or paths):
        raise ValueError("a grammar applies to the embedded planted-motif data only; "
                         "do not give it with a dataset or data files.")
    if dataset:
        data = fetch_deepbind_encode(dataset, data_home=data_home, mirror=mirror,
                                     random_state=seed)
        return DashboardData(data.name, data.X_train, data.y_train, data.X_test, data.y_test)
    if not paths:
        planted = make_motif_dataset(n_samples, grammar=grammar, random_state=seed)
        train, test = _split(np.arange(len(planted.X)), planted.y, test_size, seed, split)
        motifs = {mid: (planted.motif_names[mid], pwm) for mid, pwm in planted.motifs.items()}
        joined = (" then " if grammar else " + ").join(name for name, _ in motifs.values())
        name = (f"planted {joined} sites" + (f", {grammar} order grammar" if grammar else "")
                + " (synthetic)")
        return DashboardData(name, planted.X[train], planted.y[train], planted.X[test],
                             planted.y[test], [planted.sites[i] for i in test], motifs,
                             whole=not split, grammar=grammar)
    loaded = load_training_data(paths, random_state=seed)
    if loaded.X_test is not None:
        return DashboardData(loaded.name, loaded.X_train, loaded.y_train, loaded.X_test,
                             loaded.y_test)
    X, y = loaded.X_train, loaded.y_train
    train, test = _split(np.arange(len(X)), y, test_size, seed, split)
    return DashboardData(loaded.name, X[train], y[train], X[test], y[test], whole=not split)


def _peak_data(peaks, genome, *, negatives: str, width: int, test_chromosomes: Sequence[str],
               test_size: float, seed: int, split: bool) -> DashboardData:
    """Peaks on a genome, held out by chromosome where the test chromosomes hold any."""
    data = load_peak_dataset(peaks, genome, width=width, negatives=negatives, random_state=seed)
    name = f"{Path(peaks).name} on {Path(genome).name} ({negatives} negatives; {data.report})"
    index = np.arange(len(data.X))
    if split and np.isin(data.chrom, list(test_chromosomes)).any():
        (train, test), = ChromosomeHoldout(test_chromosomes).split(data.X, data.y,
                                                                   groups=data.chrom)
        name += f", test on {', '.join(test_chromosomes)}"
    else:
        train, test = _split(index, data.y, test_size, seed, split)
    return DashboardData(name, data.X[train], data.y[train], data.X[test], data.y[test],
                         whole=not split)


def _split(index: np.ndarray, y: np.ndarray, test_size: float, seed: int, split: bool):
    if not split:
        return index, index
    return train_test_split(index, test_size=test_size, stratify=y, random_state=seed)

