"""Motif dependencies: does the model read the second motif differently when
the first came before it?

DeMo's claim for the CNN-RNN is that it models motifs *and the dependencies
among them*. With data whose label depends on the order of two motifs
(:func:`~sklearn_demo.make_motif_dataset` with a ``grammar``), the forward
temporal score shows it: reading a sequence left to right, the score should
jump at the second motif only when the first was read before it. This
module measures exactly that, against a counterfactual copy of each
sequence whose first site is erased (replaced by random bases).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from sklearn.utils import check_random_state

from .temporal import TemporalScorer


class OrderEffect(NamedTuple):
    """Forward temporal-score jumps across the second of two sites.

    Attributes
    ----------
    after_first : ndarray of shape (n,)
        p(target) after reading the second site minus p(target) just before
        it, in the sequences as they are (the first site read before).
    without_first : ndarray of shape (n,)
        The same jump in copies whose first site was replaced by random bases.
    forward : ndarray of shape (n, L)
        Forward temporal scores of the sequences as they are.
    forward_without_first : ndarray of shape (n, L)
        Forward temporal scores of the copies without the first site.
    second_sites : ndarray of shape (n, 2)
        Start and end (exclusive) of each sequence's second site.
    """

    after_first: np.ndarray
    without_first: np.ndarray
    forward: np.ndarray
    forward_without_first: np.ndarray
    second_sites: np.ndarray

    @property
    def difference(self) -> float:
        """Mean jump with the first site minus mean jump without it."""
        return float(self.after_first.mean() - self.without_first.mean())


def erase_sites(sequences: Sequence[str], spans: Sequence[tuple[int, int]], *,
                random_state: int | np.random.RandomState | None = 0) -> list[str]:
    """Copies of ``sequences`` with ``spans[i] = (start, end)`` replaced by
    uniformly random bases.

    Examples
    --------
    >>> erased = erase_sites(["AAAAAAAA"], [(2, 5)], random_state=0)
    >>> erased[0][:2], erased[0][5:], len(erased[0])
    ('AA', 'AAA', 8)
    """
    rng = check_random_state(random_state)
    out = []
    for sequence, (start, end) in zip(sequences, spans):
        noise = "".join(rng.choice(list("ACGT"), size=end - start))
        out.append(sequence[:start] + noise + sequence[end:])
    return out


def order_effect(
    scorer: TemporalScorer,
    sequences: Sequence[str],
    sites: Sequence[Sequence[tuple]],
    *,
    random_state: int | np.random.RandomState | None = 0,
) -> OrderEffect:
    """Forward-score jump at the second site, with and without the first.

    Parameters
    ----------
    scorer : fitted TemporalScorer
    sequences : sequence of str
        Sequences carrying two sites each.
    sites : sequence of lists of ``(motif_id, start, end, strand)``
        Each sequence's two sites in reading order, as
        :func:`~sklearn_demo.make_motif_dataset` reports them (end exclusive).
    random_state : int, RandomState or None, default=0
        Seed of the random bases that erase the first site.

    Returns
    -------
    OrderEffect

    Examples
    --------
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn_demo import CNNRNNClassifier, TemporalScorer, make_motif_dataset
    >>> data = make_motif_dataset(60, grammar="pure", random_state=0)
    >>> clf = CNNRNNClassifier(n_filters=4, hidden_size=4, max_epochs=1, verbose=0)
    >>> scorer = TemporalScorer(FrozenEstimator(clf.fit(data.X, data.y))).fit(data.X)
    >>> effect = order_effect(scorer, data.X[:5], data.sites[:5])
    >>> effect.after_first.shape, effect.without_first.shape
    ((5,), (5,))
    """
    sequences = list(sequences)
    if len(sequences) != len(sites):
        raise ValueError(f"order_effect: {len(sequences)} sequences but {len(sites)} site lists.")
    for i, pair in enumerate(sites):
        if len(pair) != 2:
            raise ValueError(
                f"order_effect: sequence {i} has {len(pair)} sites; each needs exactly two "
                "(first and second in reading order).")
    first = [(pair[0][1], pair[0][2]) for pair in sites]
    second = np.array([(pair[1][1], pair[1][2]) for pair in sites])
    erased = erase_sites(sequences, first, random_state=random_state)
    rows = np.arange(len(sequences))
    forwards = [scorer.transform(batch)[:, 0] for batch in (sequences, erased)]
    jumps = [forward[rows, second[:, 1] - 1] - forward[rows, np.maximum(second[:, 0] - 1, 0)]
             for forward in forwards]
    return OrderEffect(*jumps, *forwards, second)
