"""Base-level dependencies: how much does position j's effect depend on
position i? A (L, L) map per sequence, as a scikit-learn transformer."""
from __future__ import annotations

from numbers import Integral

import numpy as np

from .._progress import progress
from .._validation import Interval, Options
from ._base import ModelExplainer, evaluation_mode
from .methods.scoring import score_in_batches

#: Values of :class:`InteractionExplainer`'s ``method``.
PAIRWISE_METHODS = ("dfim", "double_ism")


def single_mutants(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 3 L single-base substitutions of one-hot ``x`` (4, L): the mutants
    (3 L, 4, L), and the position and base of each.

    Examples
    --------
    >>> from sklearn_demo.encoding import one_hot_encode
    >>> mutants, position, base = single_mutants(one_hot_encode(["AC"])[0])
    >>> mutants.shape, position.tolist(), base.tolist()
    ((6, 4, 2), [0, 0, 0, 1, 1, 1], [1, 2, 3, 0, 2, 3])
    """
    base, position = np.nonzero(x == 0)
    order = np.lexsort((base, position))
    base, position = base[order], position[order]
    mutants = np.repeat(x[None], len(position), axis=0)
    mutants[np.arange(len(position)), :, position] = np.eye(4, dtype=x.dtype)[base]
    return mutants, position, base


class InteractionExplainer(ModelExplainer):
    """Pairwise map of every sequence: entry (i, j) is how much position j's
    effect on the log-odds depends on position i.

    Read more in the :doc:`User Guide </guide/explaining>`.

    Two methods, both in log-odds of the target class:

    * ``"dfim"`` (default; Greenside et al. 2018, Deep Feature Interaction
      Maps): the drop in position j's contribution (gradient x input, with
      the gradient off the simplex removed) when position i is mutated,
      mean over the three substitutions at i. 3 L + 1 gradient passes per
      sequence: a 1,000-base sequence is seconds on a GPU. Not symmetric:
      row i is what mutating i does to every other position.
    * ``"double_ism"``: the epistasis of every pair of positions,
      ``f(x) - f(x_i) - f(x_j) + f(x_ij)`` over the 9 double substitutions;
      exact (no gradient approximation) and symmetric, but 9 L (L - 1) / 2
      forward passes per sequence (45,000 at 101 bases), for short
      sequences.

    On the diagonal both give each position's own effect, ``f(x)`` minus the
    mean over its three substitutions (in-silico mutagenesis). Positive
    off-diagonal values: the two positions work together (both needed).
    DFIM is the default because it scales to genomic windows, and on planted
    pairs it finds the pair as double ISM does (User Guide, "dependencies").

    Parameters
    ----------
    estimator : CNNClassifier, RNNClassifier or CNNRNNClassifier
        Fitted on a clone by ``fit(X, y)``; wrap a fitted model in
        ``sklearn.frozen.FrozenEstimator`` to explain it as it is.
    method : {"dfim", "double_ism"}, default="dfim"
    target_class : label or None, default=None
        Class whose log-odds is explained; None: the positive class.
    target : str, int or None, default=None
        The task of a multi-task classifier (name or index).
    batch_size : int, default=256
        Mutants per forward (or backward) pass; memory stays bounded.

    Examples
    --------
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(100, sequence_length=30, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> maps = InteractionExplainer(FrozenEstimator(clf)).fit(data.X).transform(data.X[:2])
    >>> maps.shape
    (2, 30, 30)
    """

    _parameter_constraints = {
        "method": [Options(PAIRWISE_METHODS)],
        "batch_size": [Interval(Integral, 1, None)],
    }

    def __init__(self, estimator: object = None, *, method: str = "dfim",
                 target_class: object = None, target: object = None, batch_size: int = 256):
        self.estimator = estimator
        self.method = method
        self.target_class = target_class
        self.target = target
        self.batch_size = batch_size

    def fit(self, X: object, y: object = None) -> "InteractionExplainer":
        """Check parameters and fit (or take) the classifier; returns ``self``."""
        self._fit_estimator(X, y)
        return self

    def transform(self, X: object) -> np.ndarray:
        """Pairwise maps of shape (n, L, L), float32, for DNA strings or one-hot X."""
        X_enc = self._encode(X)
        n, _, length = X_enc.shape
        out = np.zeros((n, length, length), dtype=np.float32)
        pairs = length * (length - 1) // 2
        bar = progress(total=n * (length if self.method == "dfim" else pairs), unit="position",
                       desc=f"pairwise map ({self.method})")
        with evaluation_mode(self.classifier_.module_):
            for i, x in enumerate(X_enc):
                out[i] = self._dfim(x, bar) if self.method == "dfim" else self._double_ism(x, bar)
        bar.close()
        return out

    def _scores(self, X: np.ndarray, gradients: bool = False, with_scores: bool = False):
        return score_in_batches(self._logit, X, batch_size=self.batch_size,
                                device=self.classifier_.device, gradients=gradients,
                                with_scores=with_scores)

    def _contributions(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n,) log-odds and (n, L) contributions, from one forward and
        backward pass: each present base's gradient x input, the gradient's
        mean over the four bases removed (its part off the one-hot simplex)."""
        scores, gradient = self._scores(X, gradients=True, with_scores=True)
        return scores, ((gradient - gradient.mean(axis=1, keepdims=True)) * X).sum(axis=1)

    def _dfim(self, x: np.ndarray, bar) -> np.ndarray:
        length = x.shape[1]
        mutants, _, _ = single_mutants(x)
        reference, contribution = self._contributions(x[None])
        scores, contributions = self._contributions(mutants)
        drop = contribution[0] - contributions.reshape(length, 3, length).mean(axis=1)
        drop[np.arange(length), np.arange(length)] = (
            reference[0] - scores.reshape(length, 3).mean(axis=1))
        bar.update(length)
        return drop

    def _double_ism(self, x: np.ndarray, bar) -> np.ndarray:
        length = x.shape[1]
        mutants, position, base = single_mutants(x)
        reference = float(self._scores(x[None])[0])
        single = self._scores(mutants).reshape(length, 3)  # f(x_i) per substitution
        out = np.diag(reference - single.mean(axis=1))
        eye = np.eye(4, dtype=x.dtype)
        for i in range(length - 1):
            # every double mutant (i, b) x (j > i, b'): 3 x 3 (L - 1 - i)
            later = position > i
            first = mutants[position == i]  # (3, 4, L)
            doubles = np.repeat(first, later.sum(), axis=0)
            rows = np.arange(len(doubles))
            doubles[rows, :, np.tile(position[later], 3)] = eye[np.tile(base[later], 3)]
            double = self._scores(doubles).reshape(3, -1, 3)  # (b_i, j, b_j)
            epistasis = (reference - single[i][:, None, None] - single[i + 1:][None]
                         + double).mean(axis=(0, 2))
            out[i, i + 1:] = out[i + 1:, i] = epistasis
            bar.update(length - 1 - i)
        return out.astype(np.float32)
