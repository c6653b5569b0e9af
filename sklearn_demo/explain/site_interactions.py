"""Local grammar: which sites of one sequence act together?

For the k sites of a sequence, :func:`site_interactions` removes each site,
and each pair of sites, by dinucleotide-shuffling their bases, and reads the
model's log-odds: a site's main effect is what removing it costs, and two
sites interact when removing both costs more (an AND: both needed) or less
(an OR: either will do) than the sum of removing each.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from numbers import Integral
from typing import NamedTuple

import numpy as np

from .._validation import Interval, check_parameter
from ..encoding import as_str_list, check_dna
from ..shuffle import SeedLike, dinucleotide_shuffle
from .discovery import hypothetical_contributions
from .grammar import task_model, as_generator, batched_log_odds

#: Width in bases of a site the package finds itself (``sites=None``): a
#: transcription factor's binding site is 6-20 bases; 10 holds the core of
#: most JASPAR motifs.
SITE_WIDTH = 10

#: Sites found per sequence at most, with ``sites=None``: k sites cost
#: 1 + k (k + 1) / 2 passes per shuffle.
MAX_SITES = 5

#: A found site's contribution, as a fraction of the sequence's strongest:
#: weaker windows are background, not sites.
MIN_SITE_FRACTION = 0.25


class SiteInteractions(NamedTuple):
    """The site-interaction matrix of one sequence."""

    sites: np.ndarray
    """(k, 2) start and end (exclusive) of each site, in sequence order."""
    matrix: np.ndarray
    """(k, k) log-odds: on the diagonal each site's main effect
    ``f(x) - f(x without a)``; off it the interaction
    ``f(x) - f(x without a) - f(x without b) + f(x without a and b)``
    (positive: the two sites act together, as an AND), each a mean over
    the shuffles that remove the sites."""
    logit: float
    """``f(x)``: the sequence's log-odds as it is."""

    def strongest_pair(self) -> tuple[int, int] | None:
        """The indices (a < b) of the largest interaction, or None with
        fewer than two sites."""
        k = len(self.sites)
        if k < 2:
            return None
        upper = np.where(np.triu(np.ones((k, k), bool), 1), self.matrix, -np.inf)
        a, b = np.unravel_index(np.argmax(upper), upper.shape)
        return int(a), int(b)


def attribution_sites(
    estimator: object, sequences: Sequence[str], *, width: int = SITE_WIDTH,
    max_sites: int = MAX_SITES, min_fraction: float = MIN_SITE_FRACTION, target: object = None,
) -> list[np.ndarray]:
    """Each sequence's sites as the model reads them: the windows of
    ``width`` bases of greatest summed contribution (gradient x input of the
    log-odds, with the gradient off the simplex removed, as for
    TF-MoDISco), taken greedily without overlap while a window holds at
    least ``min_fraction`` of the strongest one's contribution, at most
    ``max_sites``; in sequence order.

    The attribution map rather than motif scanning (FIMO): it needs no
    motifs first (class optimisation or TF-MoDISco take minutes), works
    for any network, and finds the sites this model uses in this sequence,
    known motif or not.

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(100, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> sites = attribution_sites(clf, data.X[:2], max_sites=3)
    >>> [s.shape[1] for s in sites], all(len(s) <= 3 for s in sites)
    ([2, 2], True)
    """
    sequences = as_str_list(sequences)
    contribution = (hypothetical_contributions(estimator, sequences, target=target)
                    * check_dna(sequences)).sum(axis=1)  # (n, L), signed
    found = []
    for row in contribution:
        window = np.convolve(row, np.ones(width), mode="valid")  # window sums, L - w + 1
        taken, free = [], np.ones(len(window), bool)
        strongest = window.max() if len(window) else 0.0
        while len(taken) < max_sites and free.any():
            start = int(np.flatnonzero(free)[np.argmax(window[free])])
            if strongest <= 0 or window[start] < min_fraction * strongest:
                break
            taken.append((start, start + width))
            free[max(0, start - width + 1):start + width] = False  # no overlap
        found.append(np.array(sorted(taken), dtype=int).reshape(-1, 2))
    return found


def _check_sites(sites: Sequence, n: int, lengths: list[int]) -> list[np.ndarray]:
    if len(sites) != n:
        raise ValueError(f"site_interactions: {n} sequences but {len(sites)} site lists.")
    out = []
    for i, spans in enumerate(sites):
        spans = np.asarray(spans, dtype=int).reshape(-1, 2) if len(spans) else np.zeros((0, 2), int)
        order = np.argsort(spans[:, 0], kind="stable")
        spans = spans[order]
        for start, end in spans:
            if not 0 <= start < end <= lengths[i]:
                raise ValueError(f"site_interactions: sequence {i} has a site ({start}, {end}) "
                                 f"outside its {lengths[i]} bases (start < end, end exclusive).")
        if len(spans) > 1 and (spans[1:, 0] < spans[:-1, 1]).any():
            raise ValueError(f"site_interactions: sequence {i} has overlapping sites "
                             f"{spans.tolist()}; a pair is removed together only when apart.")
        out.append(spans)
    return out


def site_interactions(
    estimator: object,
    sequences: Sequence[str],
    sites: Sequence[Sequence[tuple[int, int]]] | None = None,
    *,
    n_shuffles: int = 10,
    random_state: SeedLike = None,
    target: object = None,
    batch_size: int = 256,
) -> list[SiteInteractions]:
    """The main effect of each site of each sequence, and the interaction of
    each pair of sites, in log-odds.

    Read more in the :doc:`User Guide </guide/explaining>`.

    Parameters
    ----------
    estimator : fitted classifier
        A network or a baseline (a multi-task network with ``target``);
        ``sites=None`` needs a network (its gradients find the sites).
    sequences : list of str
        DNA strings.
    sites : list of lists of (start, end), optional
        Each sequence's sites (end exclusive, not overlapping). None: the
        sites the model reads, from its attribution map
        (:func:`attribution_sites`).
    n_shuffles : int, default=10
        Dinucleotide shuffles of a site's bases that remove it; the matrix
        is the mean over them (a pair uses the same shuffles as each site
        alone, so that the four terms differ only by the sites).
    random_state : int, RandomState or Generator, or None, default=None
        Seed of the shuffles.
    target : str, int or None, default=None
        The task of a multi-task network (name or index).
    batch_size : int, default=256
        Sequences per batch of the inference engine.

    Returns
    -------
    list of SiteInteractions
        One per sequence: its ``sites``, the (k, k) ``matrix`` and ``logit``.

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(100, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> result = site_interactions(clf, data.X[:1], [[(10, 20), (50, 60)]], n_shuffles=3,
    ...                            random_state=0)[0]
    >>> result.matrix.shape, bool(np.allclose(result.matrix, result.matrix.T))
    ((2, 2), True)
    """
    check_parameter("site_interactions", "n_shuffles", n_shuffles, [Interval(Integral, 1, None)])
    check_parameter("site_interactions", "batch_size", batch_size, [Interval(Integral, 1, None)])
    sequences = [s.upper() for s in as_str_list(sequences)]
    check_dna(sequences)
    model = task_model(estimator, target, "site_interactions")
    if sites is None:
        sites = attribution_sites(estimator, sequences, target=target)
    sites = _check_sites(sites, len(sequences), [len(s) for s in sequences])
    rng = as_generator(random_state)
    written, layouts = [], []
    for sequence, spans in zip(sequences, sites):
        k = len(spans)
        # shuffles[a][m]: the m-th shuffle of site a's bases
        shuffles = [dinucleotide_shuffle([sequence[start:end]], n_shuffles=n_shuffles,
                                         random_state=rng).tolist() for start, end in spans]

        def removed(which: tuple[int, ...], m: int) -> str:
            out = sequence
            for a in which:
                start, end = spans[a]
                out = out[:start] + shuffles[a][m] + out[end:]
            return out

        removals = [(a,) for a in range(k)] + list(combinations(range(k), 2))
        layouts.append((len(written), k, removals))
        written.append(sequence)
        written.extend(removed(which, m) for which in removals for m in range(n_shuffles))
    scores = batched_log_odds(model, written, batch_size, desc="site interactions")
    results = []
    for (offset, k, removals), spans in zip(layouts, sites):
        logit = scores[offset]
        without = {which: scores[offset + 1 + r * n_shuffles:offset + 1 + (r + 1) * n_shuffles]
                   for r, which in enumerate(removals)}
        matrix = np.zeros((k, k))
        for a in range(k):
            matrix[a, a] = logit - without[(a,)].mean()
        for a, b in combinations(range(k), 2):
            matrix[a, b] = matrix[b, a] = (logit - without[(a,)] - without[(b,)]
                                           + without[(a, b)]).mean()
        results.append(SiteInteractions(spans, matrix, float(logit)))
    return results
