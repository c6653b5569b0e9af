"""Per-nucleotide importance: DeMo's saliency map and its relatives, as a
scikit-learn transformer over the algorithms in :mod:`.methods`."""
from __future__ import annotations

import warnings

from numbers import Integral

import numpy as np

from .._validation import Interval, Options
from ..precision import mixed_precision
from ._base import CLASS_SCORES, ModelExplainer, evaluation_mode
from .methods import expected_gradients, gradient, saturation_mutagenesis
from .methods.local_ism import BothStrandsMutagenesis, LocalMutagenesis

METHODS = ("saliency", "gradient", "gradient_x_input", "ism", "expected_gradients")
#: Old spellings of ``method`` that still work, with a ``FutureWarning``
#: naming the new one, until 0.5: the name it had, and the name it has.
RENAMED_METHODS = {"deepshap": "expected_gradients"}
ISM_ALGORITHMS = ("auto", "whole_passes")


class SaliencyExplainer(ModelExplainer):
    """Attribute a classifier's class score to every position and nucleotide.

    Read more in the :doc:`User Guide </guide/explaining>`.

    The class score is ``log p(target_class | x)``, as in DeMo, or with
    ``class_score="logit"`` the target class's logit (log-odds). The two
    differ by a per-sequence factor ``p(other class)`` in the gradient, which
    underflows to exactly 0 in float32 for sequences the model is certain
    about (logit above ~100): explain those with the logit. Methods:

    * ``"saliency"``: DeMo's map, ``|d score / d x| * x``: the magnitude of the
      first-order derivative at the bases present (zero elsewhere).
    * ``"gradient"``: ``d score / d x``, signed, at all four nucleotides.
    * ``"gradient_x_input"``: ``d score / d x * x``, signed.
    * ``"ism"``: in-silico saturation mutagenesis, ``score(x with base b at
      position j) - score(x)`` for every position and base; 0 at the base
      already present (that no-op is never evaluated). Batched across
      sequences and substitutions; on DeMo's CNN each substitution recomputes
      only the positions it reaches in every layer, from the reference's
      activations
      (:class:`~sklearn_demo.explain.methods.local_ism.LocalMutagenesis`,
      the idea of fastISM), which gives the same scores.
    * ``"expected_gradients"``: SHAP values of the target class's logit by expected
      gradients (the algorithm of ``shap``'s ``GradientExplainer``, run
      batched here, :func:`~sklearn_demo.explain.methods.expected_gradients`),
      with ``n_references`` dinucleotide shuffles of each sequence as its
      background. Works on CNNs and LSTMs alike, since it needs only
      gradients (shap's ``DeepExplainer`` has no rules for LSTMs or a global
      max).

    Parameters
    ----------
    estimator : CNNClassifier, RNNClassifier or CNNRNNClassifier
        Fitted on a clone by ``fit(X, y)``; wrap a fitted model in
        ``sklearn.frozen.FrozenEstimator`` to explain it as it is.
    method : str, default="saliency"
        One of ``"saliency"``, ``"gradient"``, ``"gradient_x_input"``,
        ``"ism"``, ``"expected_gradients"``. DeMo's saliency by default, the
        view this package reproduces; the report shows expected gradients,
        which rank planted motifs better (User Guide, "choosing a method").
    target_class : label or None, default=None
        Class whose score is explained; None takes ``classes_[1]``.
    target : str, int or None, default=None
        The task to explain when the classifier is multi-task (its name in
        ``tasks_`` or its index); required then, and the error lists the
        tasks. None for a single-task classifier.
    class_score : {"log_proba", "logit"}, default="log_proba"
        What the gradient methods and ISM differentiate or compare
        (``"expected_gradients"`` always explains the logit). DeMo took the
        log-probability; the logit does not saturate on confident sequences.
    batch_size : int, default=256
        Sequences (or mutants, for ISM) per forward pass: memory stays bounded
        for any number of sequences.
    n_references : int, default=10
        Dinucleotide-shuffled references per sequence for
        ``"expected_gradients"``: the background keeps the sequence's
        composition, and ten spread the baseline without costing much.
    n_samples : int, default=200
        Gradient samples per sequence for ``"expected_gradients"``: the
        sampling error of the attributions falls as one over its square root.
    random_state : int or None, default=0
        Seed of the references and samples of ``"expected_gradients"``:
        fixed, so that the same call gives the same maps.
    ism_algorithm : {"auto", "whole_passes"}, default="auto"
        How ``"ism"`` scores its mutants: ``"auto"`` from the positions each
        substitution reaches where the network allows it
        (:meth:`~sklearn_demo.explain.methods.local_ism.LocalMutagenesis.supports`:
        DeMo's CNN), by a whole forward pass of every mutant otherwise;
        ``"whole_passes"`` always by whole forward passes, e.g. to time the
        shortcut against them (``benchmarks/test_bench_ism.py``). Both give
        the same scores.

    Attributes
    ----------
    estimator_ : the fitted (or frozen) estimator
    classifier_ : the DeMo classifier inside it
    target_class_ : the explained class label

    Examples
    --------
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn_demo import CNNClassifier, SaliencyExplainer, make_motif_dataset
    >>> data = make_motif_dataset(200, random_state=0)
    >>> clf = CNNClassifier(n_filters=8, max_epochs=2, verbose=0).fit(data.X, data.y)
    >>> SaliencyExplainer(FrozenEstimator(clf)).fit(data.X).transform(data.X[:3]).shape
    (3, 4, 101)
    """

    _parameter_constraints = {
        "method": [Options(METHODS + tuple(RENAMED_METHODS))],
        "class_score": [Options(CLASS_SCORES)],
        "n_references": [Interval(Integral, 1, None)],
        "n_samples": [Interval(Integral, 1, None)],
        "ism_algorithm": [Options(ISM_ALGORITHMS)],
    }

    def __init__(
        self,
        estimator: object = None,
        *,
        method: str = "saliency",
        target_class: object = None,
        target: object = None,
        class_score: str = "log_proba",
        batch_size: int = 256,
        n_references: int = 10,
        n_samples: int = 200,
        random_state: int | None = 0,
        ism_algorithm: str = "auto",
    ):
        self.estimator = estimator
        self.method = method
        self.target_class = target_class
        self.target = target
        self.class_score = class_score
        self.batch_size = batch_size
        self.n_references = n_references
        self.n_samples = n_samples
        self.random_state = random_state
        self.ism_algorithm = ism_algorithm

    def fit(self, X: object, y: object = None) -> "SaliencyExplainer":
        """Check parameters and fit (or take) the classifier; returns ``self``."""
        self._fit_estimator(X, y)
        self.method_ = RENAMED_METHODS.get(self.method, self.method)
        if self.method_ != self.method:
            warnings.warn(f"SaliencyExplainer(method={self.method!r}) is now "
                          f"method={self.method_!r}; the old name stops working in 0.5.",
                          FutureWarning, stacklevel=2)
        return self

    def _local_mutagenesis(self) -> LocalMutagenesis | BothStrandsMutagenesis | None:
        """fastISM's shortcut where the network allows it (the CNN, on one
        strand or both) and ``ism_algorithm`` is "auto", else None."""
        module, clf = self.classifier_.module_, self.classifier_
        if self.ism_algorithm != "auto" or not LocalMutagenesis.supports(module):
            return None
        sign = self._target_sign()
        local = (BothStrandsMutagenesis if clf.reads_both_strands(clf.n_features_in_)
                 else LocalMutagenesis)
        return local(module, link=lambda logit: self._score_of_logit(sign * logit),
                     context=lambda: mixed_precision(clf.device, clf.precision))

    def transform(self, X: object) -> np.ndarray:
        """Attributions of shape (n, 4, L), float32, for DNA strings or one-hot X."""
        X_enc = self._encode(X)
        module = self.classifier_.module_
        device = self.classifier_.device
        with evaluation_mode(module):
            if self.method_ == "expected_gradients":
                return expected_gradients(
                    self._logit, X_enc, n_references=self.n_references,
                    n_samples=self.n_samples, batch_size=self.batch_size,
                    random_state=self.random_state, device=device)
            if self.method_ == "ism":
                return saturation_mutagenesis(self._class_score, X_enc,
                                              batch_size=self.batch_size, device=device,
                                              local=self._local_mutagenesis())
            grad = gradient(self._class_score, X_enc, batch_size=self.batch_size, device=device)
        if self.method_ == "gradient":
            return grad
        if self.method_ == "saliency":
            return np.abs(grad) * X_enc
        return grad * X_enc
