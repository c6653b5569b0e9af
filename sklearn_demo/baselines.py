"""Classical baselines on the same inputs as the networks: k-mer spectrum
logistic regression and the gapped-k-mer SVM (gkm-SVM)."""
from __future__ import annotations

import functools
from collections.abc import Iterator
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelEncoder, Normalizer
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from ._validation import (
    POS_LABEL, Interval, Options, check_binary_labels, check_parameter, validate_params,
)
from .encoding import (
    check_dna, check_sequences, is_sequence_collection, one_hot_decode, reverse_complement,
)
from .gkm_features import NYSTROEM_KERNELS, GkmNystroem, kernel_input
from .labels import resolve_pos_label

def canonical_kmers(sequence: str, k: int, merge_reverse_complement: bool = True) -> Iterator[str]:
    """The k-mers of ``sequence`` over A, C, G, T (others skipped), each
    replaced by the smaller of itself and its reverse complement.

    Examples
    --------
    >>> list(canonical_kmers("ACGTT", 3))
    ['ACG', 'ACG', 'AAC']
    """
    sequence = sequence.upper()
    for start in range(len(sequence) - k + 1):
        kmer = sequence[start:start + k]
        if kmer.strip("ACGT"):
            continue
        if merge_reverse_complement:
            kmer = min(kmer, reverse_complement(kmer))
        yield kmer


def _as_strings(X: object) -> list[str]:
    """DNA strings as given, or decoded from a one-hot (n, 4, L) array."""
    if is_sequence_collection(X):
        return check_sequences(np.asarray(X, dtype=str).ravel())
    return one_hot_decode(check_dna(X))


class _BinaryLabels:
    """Label handling shared by the baselines: any two labels in, 0/1 inside."""

    def _encode_labels(self, y: object, n_samples: int) -> np.ndarray:
        y, labels = check_binary_labels(y, owner=type(self).__name__, n_samples=n_samples)
        self.label_encoder_ = LabelEncoder().fit(labels)
        self.classes_ = self.label_encoder_.classes_
        self.pos_label_ = resolve_pos_label(self.classes_, self.pos_label,
                                            owner=type(self).__name__)
        return self.label_encoder_.transform(y)

    def predict(self, X: object) -> np.ndarray:
        """Labels from ``classes_``: positive where the decision value exceeds 0."""
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.input_tags.string = True
        tags.classifier_tags.multi_class = False
        return tags


class KmerClassifier(_BinaryLabels, ClassifierMixin, BaseEstimator):
    """Logistic regression on k-mer spectra (counts of every k-mer).

    Read more in the :doc:`User Guide </guide/benchmarks>`.

    Counts come from scikit-learn's ``CountVectorizer`` (sparse), with a k-mer
    and its reverse complement merged into one feature by default; each
    sequence's count vector is scaled to unit L2 norm so sequences of any
    length compare.

    Parameters
    ----------
    k : int, default=6
    merge_reverse_complement : bool, default=True
    C : float, default=1.0
        Inverse regularisation strength of the logistic regression.
    max_iter : int, default=1000
    pos_label : label or None, default=None
        The positive (bound) class, whose probability reports and maps show;
        None takes the obvious member of a common pair (bound/unbound, 1/0,
        ...) and refuses any other pair.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    pos_label_ : the positive label
    pipeline_ : the fitted vectoriser, normaliser and logistic regression

    Examples
    --------
    >>> from sklearn_demo import make_motif_dataset
    >>> data = make_motif_dataset(200, random_state=0)
    >>> KmerClassifier(k=4).fit(data.X, data.y).predict_proba(data.X[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        "k": [Interval(Integral, 1, 12)],
        "merge_reverse_complement": ["boolean"],
        "C": [Interval(Real, 0, None, closed="right")],
        "max_iter": [Interval(Integral, 1, None)],
        "pos_label": POS_LABEL,
    }

    def __init__(self, k: int = 6, *, merge_reverse_complement: bool = True, C: float = 1.0,
                 max_iter: int = 1000, pos_label: object = None):
        self.k = k
        self.merge_reverse_complement = merge_reverse_complement
        self.C = C
        self.max_iter = max_iter
        self.pos_label = pos_label

    def fit(self, X: object, y: object) -> "KmerClassifier":
        """Count k-mers of ``X`` (strings or one-hot) and fit; returns ``self``."""
        validate_params(self)
        sequences = _as_strings(X)
        y_enc = self._encode_labels(y, len(sequences))
        analyzer = functools.partial(canonical_kmers, k=int(self.k),
                                     merge_reverse_complement=self.merge_reverse_complement)
        self.pipeline_ = make_pipeline(
            CountVectorizer(analyzer=analyzer, lowercase=False, dtype=np.float64),
            Normalizer(),
            LogisticRegression(C=self.C, max_iter=self.max_iter),
        ).fit(sequences, y_enc)
        return self

    def decision_function(self, X: object) -> np.ndarray:
        """Log-odds of ``classes_[1]``, shape (n,)."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.decision_function(_as_strings(X))

    def predict_proba(self, X: object) -> np.ndarray:
        """Probabilities of shape (n, 2), columns in ``classes_`` order."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(_as_strings(X))


class _GkmDecision(ClassifierMixin, BaseEstimator):
    """The raw gkm-SVM, with the kernel settings of ``config`` (a
    GappedKmerSVC), on 0/1 labels: what scikit-learn's calibration fits."""

    def __init__(self, config: "GappedKmerSVC | None" = None):
        self.config = config

    def fit(self, X: np.ndarray, y: np.ndarray) -> "_GkmDecision":
        from gkmsvm import train_gkmsvm

        c = self.config
        self.classes_ = np.unique(y)
        self.model_ = train_gkmsvm(
            X[y == 1], X[y == 0], kernel_type=c.kernel, l=c.l, k=c.k, d=c.d, C=c.C,
            include_rc=c.merge_reverse_complement, device="cpu", verbose=c.verbose)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.model_(X)).reshape(-1)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return (self.decision_function(X) > 0).astype(int)


class GappedKmerSVC(_BinaryLabels, ClassifierMixin, BaseEstimator):
    """Gapped k-mer SVM (gkm-SVM, Ghandi et al. 2014; LS-GKM) on ``gkmsvm-lite``.

    Read more in the :doc:`User Guide </guide/benchmarks>`.

    ``predict_proba`` is Platt-scaled: a sigmoid fitted on decision values
    of ``calibration_cv``-fold cross-validation (scikit-learn's
    ``CalibratedClassifierCV(method="sigmoid", ensemble=False)``), while
    ``decision_function`` is the SVM trained on all the data. Calibration
    therefore costs ``calibration_cv`` extra fits on smaller folds.
    Ambiguous bases (N, IUPAC) are given to the kernel as all-zero columns,
    as LS-GKM does.

    Parameters
    ----------
    l : int, default=11
        Length of the gapped l-mers.
    k : int, default=7
        Informative (non-gap) positions in each l-mer.
    d : int, default=3
        Maximum number of mismatches.
    C : float, default=1.0
    kernel : str, default="estimated"
        ``gkmsvm-lite``'s kernel: "direct", "estimated", "estimated_full",
        "rbf", "weighted", "weighted_rbf" ("nystroem": the first two).
    merge_reverse_complement : bool, default=True
    calibration_cv : int, default=3
    solver : {"exact", "nystroem"}, default="exact"
        "exact": gkmsvm-lite's kernel SVM, whose n x n Gram matrix limits it
        to a few thousand sequences on a CPU. "nystroem": a linear SVM
        (liblinear) on :class:`~sklearn_demo.gkm_features.GkmNystroem`
        features, n x ``n_components`` kernel evaluations, computed once
        for the fit and its calibration folds: tens of thousands of
        sequences.
    n_components : int, default=1000
        Landmarks of the "nystroem" solver.
    random_state : int, RandomState or None, default=0
        The "nystroem" solver's landmarks.
    verbose : bool, default=False
    pos_label : label or None, default=None
        The positive (bound) class; as :class:`KmerClassifier`'s.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    pos_label_ : the positive label
    calibrated_ : the fitted ``CalibratedClassifierCV``
    n_support_ : int or None
        Support vectors of the full-data SVM (None with "nystroem").
    features_ : GkmNystroem or None
        The fitted feature map of the "nystroem" solver.

    Examples
    --------
    >>> from sklearn_demo import make_motif_dataset
    >>> data = make_motif_dataset(60, random_state=0)
    >>> svc = GappedKmerSVC(l=6, k=4, d=2, calibration_cv=2).fit(data.X, data.y)
    >>> svc.predict_proba(data.X[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        "l": [Interval(Integral, 0, None)],
        "k": [Interval(Integral, 0, None)],
        "d": [Interval(Integral, 0, None)],
        "C": [Interval(Real, 0, None, closed="right")],
        "merge_reverse_complement": ["boolean"],
        "calibration_cv": [Interval(Integral, 2, None)],
        "solver": [Options(("exact", "nystroem"))],
        "n_components": [Interval(Integral, 1, None)],
        "pos_label": POS_LABEL,
    }

    def __init__(self, l: int = 11, k: int = 7, d: int = 3, *, C: float = 1.0,
                 kernel: str = "estimated", merge_reverse_complement: bool = True,
                 calibration_cv: int = 3, solver: str = "exact", n_components: int = 1000,
                 random_state: int | np.random.RandomState | None = 0, verbose: bool = False,
                 pos_label: object = None):
        self.l = l
        self.k = k
        self.d = d
        self.C = C
        self.kernel = kernel
        self.merge_reverse_complement = merge_reverse_complement
        self.calibration_cv = calibration_cv
        self.solver = solver
        self.n_components = n_components
        self.random_state = random_state
        self.verbose = verbose
        self.pos_label = pos_label

    def _encode(self, X: object) -> np.ndarray:
        """The kernel's input, or the Nyström features of the "nystroem" solver."""
        if getattr(self, "features_", None) is not None:
            return self.features_.transform(X)
        return kernel_input(X)

    def fit(self, X: object, y: object) -> "GappedKmerSVC":
        """Train the gkm-SVM and its calibration on ``X`` and ``y``; returns ``self``."""
        from gkmsvm import KERNEL_ALIASES

        name = "GappedKmerSVC"
        validate_params(self)
        check_parameter(name, "kernel", self.kernel,
                        [Options(tuple(a for a in KERNEL_ALIASES if isinstance(a, str)))])
        if not 1 <= self.k <= self.l:
            raise ValueError(f"{name}: need 1 <= k <= l, got l={self.l}, k={self.k}.")
        if self.solver == "nystroem" and self.kernel not in NYSTROEM_KERNELS:
            raise ValueError(f"{name}: solver='nystroem' takes kernel in {NYSTROEM_KERNELS}, "
                             f"got {self.kernel!r}.")
        X_enc = kernel_input(X)
        y_enc = self._encode_labels(y, len(X_enc))
        if X_enc.shape[2] < self.l:
            raise ValueError(f"{name}: sequences of length {X_enc.shape[2]} are shorter than l={self.l}.")
        self.features_, self.n_support_ = None, None
        if self.solver == "nystroem":
            self.features_ = GkmNystroem(
                self.l, self.k, self.d, kernel=self.kernel,
                merge_reverse_complement=self.merge_reverse_complement,
                n_components=self.n_components, random_state=self.random_state)
            X_enc = self.features_.fit_transform(X_enc)
            svm = LinearSVC(C=self.C)
        else:
            svm = _GkmDecision(self)
        self.calibrated_ = CalibratedClassifierCV(svm, method="sigmoid", cv=self.calibration_cv,
                                                  ensemble=False).fit(X_enc, y_enc)
        if self.solver == "exact":
            self.n_support_ = int(self._svm().model_.num_support_vectors)
        return self

    def _svm(self) -> _GkmDecision:
        check_is_fitted(self, "calibrated_")
        return self.calibrated_.calibrated_classifiers_[0].estimator

    def decision_function(self, X: object) -> np.ndarray:
        """SVM decision values, shape (n,); positive favours ``classes_[1]``."""
        return self._svm().decision_function(self._encode(X))

    def predict_proba(self, X: object) -> np.ndarray:
        """Platt-calibrated probabilities, shape (n, 2), in ``classes_`` order."""
        check_is_fitted(self, "calibrated_")
        return self.calibrated_.predict_proba(self._encode(X))
