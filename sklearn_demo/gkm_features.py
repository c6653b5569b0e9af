"""The gapped-k-mer kernel as features: a Nyström map whose inner products
approximate the gkm-SVM kernel, so a linear model trains on tens of
thousands of sequences where the exact kernel machine needs the n x n Gram
matrix."""
from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._validation import Interval, Options, check_parameter, validate_params
from .encoding import check_dna

#: The gkmsvm-lite kernels the map supports (those of its packed, fast path).
NYSTROEM_KERNELS = ("estimated", "direct")

__all__ = ["GkmNystroem", "gkm_kernel", "kernel_input"]


def gkm_kernel(kernel: str, l: int, k: int, d: int, include_rc: bool):
    """gkmsvm-lite's normalised gapped-k-mer kernel object for ``kernel``."""
    from gkmsvm.kernels import DirectGkmKernel, EstTruncGkmKernel

    if kernel == "direct":
        return DirectGkmKernel(l, k, include_rc=include_rc)
    return EstTruncGkmKernel(l, k, d=d, include_rc=include_rc)


def kernel_input(X: object) -> np.ndarray:
    """One-hot (n, 4, L) float32 with ambiguous bases as all-zero columns,
    as LS-GKM reads them."""
    X_enc = check_dna(X)
    return np.where(X_enc == 1, X_enc, 0).astype(np.float32)


class GkmNystroem(TransformerMixin, BaseEstimator):
    """Nyström features of the gapped-k-mer kernel (Williams & Seeger 2001):
    with ``m`` landmark sequences drawn from the training set, a sequence's
    features are its kernel values against the landmarks, whitened by the
    landmarks' own kernel matrix, so that feature inner products
    approximate the kernel. Costs n x m kernel evaluations instead of the
    exact machine's n x n, and prediction m per sequence instead of one per
    support vector.

    Parameters
    ----------
    l, k, d : int, default=11, 7, 3
        Gapped l-mer length, informative positions, mismatches (LS-GKM's).
    kernel : {"estimated", "direct"}, default="estimated"
        gkmsvm-lite's truncated-estimate kernel (LS-GKM's default) or the
        direct gapped-k-mer count kernel.
    merge_reverse_complement : bool, default=True
    n_components : int, default=1000
        Landmarks (fewer when the training set is smaller). The
        approximation's rank: 1000 is gkmsvm-lite's own Nyström default
        for up to 10,000 sequences.
    random_state : int, RandomState or None, default=0
        Which sequences are landmarks.

    Attributes
    ----------
    landmarks_ : ndarray of shape (m, 4, L)
    projection_ : ndarray of shape (m, rank)
        ``U diag(lambda)^-1/2`` of the landmarks' kernel matrix, over its
        eigenvalues above 1e-8 of the largest.

    Examples
    --------
    >>> from sklearn_demo import make_motif_dataset
    >>> data = make_motif_dataset(40, random_state=0)
    >>> features = GkmNystroem(l=6, k=4, d=2, n_components=10).fit_transform(data.X)
    >>> features.shape[0], features.shape[1] <= 10
    (40, True)
    """

    _parameter_constraints = {
        "l": [Interval(Integral, 1, None)],
        "k": [Interval(Integral, 1, None)],
        "d": [Interval(Integral, 0, None)],
        "merge_reverse_complement": ["boolean"],
        "n_components": [Interval(Integral, 1, None)],
    }

    def __init__(self, l: int = 11, k: int = 7, d: int = 3, *, kernel: str = "estimated",
                 merge_reverse_complement: bool = True, n_components: int = 1000,
                 random_state: int | np.random.RandomState | None = 0):
        self.l = l
        self.k = k
        self.d = d
        self.kernel = kernel
        self.merge_reverse_complement = merge_reverse_complement
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, X: object, y: object = None) -> "GkmNystroem":
        """Draw the landmarks from ``X`` and whiten their kernel matrix."""
        from gkmsvm.gram import compute_gram

        validate_params(self)
        check_parameter(type(self).__name__, "kernel", self.kernel, [Options(NYSTROEM_KERNELS)])
        X_enc = kernel_input(X)
        rng = check_random_state(self.random_state)
        chosen = np.sort(rng.choice(len(X_enc), min(self.n_components, len(X_enc)),
                                    replace=False))
        self.landmarks_ = X_enc[chosen]
        gram = compute_gram(self._kernel(), self.landmarks_)
        eigenvalues, vectors = np.linalg.eigh(gram)
        kept = eigenvalues > max(1e-10, eigenvalues.max() * 1e-8)
        self.projection_ = vectors[:, kept] / np.sqrt(eigenvalues[kept])
        return self

    def transform(self, X: object) -> np.ndarray:
        """Features (n, rank): kernel values against the landmarks, whitened."""
        from gkmsvm.gram import compute_gram

        check_is_fitted(self, "projection_")
        return compute_gram(self._kernel(), kernel_input(X), self.landmarks_) @ self.projection_

    def _kernel(self):
        return gkm_kernel(self.kernel, self.l, self.k, self.d, self.merge_reverse_complement)
