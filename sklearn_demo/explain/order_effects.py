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
    """Temporal-score jumps across each of two sites, with and without the other.

    A bidirectional model may carry the dependency in either direction: the
    forward LSTM reads the first site, then the second; the backward one
    reads the second, then the first. Each jump is the score just after the
    site (``margin`` bases past it, in reading order) minus the score just
    before it.

    Attributes
    ----------
    forward_jump : ndarray of shape (n,)
        Forward score's jump across the second site, the first read before.
    forward_jump_alone : ndarray of shape (n,)
        The same in copies whose first site was replaced by random bases.
    backward_jump : ndarray of shape (n,)
        Backward score's jump across the first site, the second read before.
    backward_jump_alone : ndarray of shape (n,)
        The same in copies whose second site was replaced by random bases.
    forward : ndarray of shape (n, L)
        Forward temporal scores of the sequences as they are.
    forward_alone : ndarray of shape (n, L)
        Forward temporal scores of the copies without the first site.
    second_sites : ndarray of shape (n, 2)
        Start and end (exclusive) of each sequence's second site.
    """

    forward_jump: np.ndarray
    forward_jump_alone: np.ndarray
    backward_jump: np.ndarray
    backward_jump_alone: np.ndarray
    forward: np.ndarray
    forward_alone: np.ndarray
    second_sites: np.ndarray

    @property
    def forward_difference(self) -> float:
        """Mean forward jump with the first site minus without it."""
        return float(self.forward_jump.mean() - self.forward_jump_alone.mean())

    @property
    def backward_difference(self) -> float:
        """Mean backward jump with the second site minus without it."""
        return float(self.backward_jump.mean() - self.backward_jump_alone.mean())

    @property
    def difference(self) -> float:
        """The larger of the two directions' differences: how much reading one
        site changes what the model makes of the other."""
        return max(self.forward_difference, self.backward_difference)


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
    margin: int = 4,
    random_state: int | np.random.RandomState | None = 0,
) -> OrderEffect:
    """Temporal-score jumps at each site, with and without the other site.

    Parameters
    ----------
    scorer : fitted TemporalScorer
    sequences : sequence of str
        Sequences carrying two sites each.
    sites : sequence of lists of ``(motif_id, start, end, strand)``
        Each sequence's two sites in reading order, as
        :func:`~sklearn_demo.make_motif_dataset` reports them (end exclusive).
    margin : int, default=4
        Bases before and after a site over which its jump is taken: a
        convolution sees half its width ahead, and a pooled CNN-RNN reads
        blocks of bases.
    random_state : int, RandomState or None, default=0
        Seed of the random bases that erase a site.

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
    >>> effect.forward_jump.shape, effect.backward_jump_alone.shape
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
    first = np.array([(pair[0][1], pair[0][2]) for pair in sites])
    second = np.array([(pair[1][1], pair[1][2]) for pair in sites])
    rows = np.arange(len(sequences))
    last = len(sequences[0]) - 1 if sequences else 0

    def forward_jump(scores: np.ndarray) -> np.ndarray:
        after = np.minimum(second[:, 1] - 1 + margin, last)
        before = np.maximum(second[:, 0] - 1 - margin, 0)
        return scores[rows, 0, after] - scores[rows, 0, before]

    def backward_jump(scores: np.ndarray) -> np.ndarray:
        after = np.maximum(first[:, 0] - margin, 0)
        before = np.minimum(first[:, 1] + margin, last)
        return scores[rows, 1, after] - scores[rows, 1, before]

    as_is = scorer.transform(sequences)
    without_first = scorer.transform(erase_sites(sequences, first, random_state=random_state))
    without_second = scorer.transform(erase_sites(sequences, second, random_state=random_state))
    return OrderEffect(forward_jump(as_is), forward_jump(without_first), backward_jump(as_is),
                       backward_jump(without_second), as_is[:, 0], without_first[:, 0], second)
