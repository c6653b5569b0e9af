"""Motifs discovered from attributions with TF-MoDISco (``modisco-lite``)
and matched to JASPAR."""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.frozen import FrozenEstimator

from .._threads import torch_threads_kept
from ..encoding import check_dna
from ..motifs import MotifMatch, match_motifs
from .saliency import SaliencyExplainer


@dataclass(frozen=True)
class DiscoveredMotif:
    """One TF-MoDISco pattern."""

    name: str
    """"positive_1", ...: its metacluster (attribution sign) and rank."""
    pwm: np.ndarray
    """(4, w) base frequencies of its seqlets, trimmed to the positions that
    carry attribution."""
    contribution: np.ndarray
    """(4, w) mean contribution (attribution at the present base) there."""
    n_seqlets: int
    matches: list[MotifMatch]
    """Best JASPAR matches (TOMTOM), best first."""


def hypothetical_contributions(estimator: object, X: object, *, batch_size: int = 256,
                               target: object = None) -> np.ndarray:
    """(n, 4, L) hypothetical contributions for TF-MoDISco: the gradient of
    the logit at every base, minus its mean over the four bases at each
    position (the gradient correction of Majdandzic et al., 2023, which
    removes the part of the gradient off the simplex of one-hot inputs).
    Multiplied by the one-hot input it is the contribution of each present
    base. ``target``: the task of a multi-task model (name or index).

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(100, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> hyp = hypothetical_contributions(clf, data.X[:3])
    >>> hyp.shape, bool(np.allclose(hyp.sum(axis=1), 0, atol=1e-5))
    ((3, 4, 101), True)
    """
    gradient = SaliencyExplainer(FrozenEstimator(estimator), method="gradient",
                                 class_score="logit", batch_size=batch_size,
                                 target=target).fit(X).transform(X)
    return gradient - gradient.mean(axis=1, keepdims=True)


@torch_threads_kept()
def discover_motifs(
    estimator: object,
    X: object,
    *,
    n_matches: int = 5,
    trim_threshold: float = 0.3,
    modisco_params: dict | None = None,
    target: object = None,
) -> list[DiscoveredMotif]:
    """Run TF-MoDISco on a fitted classifier's attributions of ``X``
    (typically bound sequences) and match each pattern to JASPAR.

    Parameters
    ----------
    estimator : fitted CNNClassifier, RNNClassifier or CNNRNNClassifier
    X : DNA strings or one-hot (n, 4, L)
    n_matches : int, default=5
        JASPAR matches kept per pattern.
    trim_threshold : float, default=0.3
        A pattern is trimmed to the span of positions whose contribution is at
        least this fraction of its largest.
    modisco_params : dict, optional
        Passed to ``modiscolite.tfmodisco.TFMoDISco`` (e.g.
        ``sliding_window_size``, ``max_seqlets_per_metacluster``).
    target : str, int or None, default=None
        The task of a multi-task model whose contributions are read (name or
        index); required for one, as in the explainers.

    Returns
    -------
    motifs : list of DiscoveredMotif
        Positive patterns first (those raising the score), each by seqlet count.
    """
    from modiscolite.tfmodisco import TFMoDISco

    cache_modisco_kernels()
    one_hot = check_dna(X)
    hypothetical = hypothetical_contributions(estimator, one_hot, target=target)
    positive, negative = TFMoDISco(
        one_hot.transpose(0, 2, 1).astype(np.float32),
        hypothetical.transpose(0, 2, 1).astype(np.float32),
        **{"verbose": False, **(modisco_params or {})})
    found = []
    for sign, patterns in (("positive", positive), ("negative", negative)):
        for rank, pattern in enumerate(patterns or (), start=1):
            pwm = np.asarray(pattern.sequence, dtype=np.float64).T
            contribution = np.asarray(pattern.contrib_scores, dtype=np.float64).T
            keep = _trim(np.abs(contribution).sum(axis=0), trim_threshold)
            found.append((f"{sign}_{rank}", pwm[:, keep], contribution[:, keep],
                          len(pattern.seqlets)))
    matches = match_motifs([pwm for _, pwm, _, _ in found], n_matches=n_matches) if found else []
    return [DiscoveredMotif(name, pwm, contribution, n, m)
            for (name, pwm, contribution, n), m in zip(found, matches)]


@functools.cache
def cache_modisco_kernels() -> None:
    """Keep modisco-lite's numba kernels, once compiled, in numba's on-disk
    cache (once per process).

    modisco-lite turns that cache on only where it can fork children to
    compile its kernels (``modiscolite.precompile.start``): not in a process
    that already runs threads, nor with one core to spare. Every process
    would then compile them again at its first :func:`discover_motifs`,
    which doubled that call's time. Where numba has nowhere to write the
    cache, the kernels compile in each process as before.
    """
    import importlib
    import sys

    from numba.core.dispatcher import Dispatcher

    importlib.import_module("modiscolite.tfmodisco")  # imports every module with kernels

    kernels = {id(value): value for name, module in list(sys.modules.items())
               if name.startswith("modiscolite.") for value in vars(module).values()
               if isinstance(value, Dispatcher)}
    for kernel in kernels.values():
        try:
            kernel.enable_caching()
        except RuntimeError:  # numba's "cannot cache ... no locator available"
            continue


def _trim(importance: np.ndarray, threshold: float) -> slice:
    """The span from the first to the last position whose importance is at
    least ``threshold`` of the largest."""
    above = np.flatnonzero(importance >= threshold * importance.max())
    return slice(int(above[0]), int(above[-1]) + 1)


def discovered_motif_names(motifs: Sequence[DiscoveredMotif]) -> list[str]:
    """"positive_1 CTCF (MA0139.2, E = 1.2e-07; 312 seqlets)" per motif."""
    return [f"{m.name} " + (f"{m.matches[0].name} ({m.matches[0].matrix_id}, "
                            f"{m.matches[0].evidence}; " if m.matches else "(")
            + f"{m.n_seqlets} seqlets)" for m in motifs]
