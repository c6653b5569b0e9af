"""Per-nucleotide importance: DeMo's saliency map and its relatives."""
from __future__ import annotations

from numbers import Integral

import numpy as np
import torch

from ..shuffle import dinucleotide_shuffle
from ..encoding import one_hot_decode, one_hot_encode
from .._validation import Interval, Options
from ._base import CLASS_SCORES, ModelExplainer, evaluation_mode

METHODS = ("saliency", "gradient", "gradient_x_input", "ism", "deepshap")


class SaliencyExplainer(ModelExplainer):
    """Attribute a classifier's class score to every position and nucleotide.

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
      already present (that no-op is never evaluated). Batched.
    * ``"deepshap"``: SHAP values of the target class's logit from ``shap``'s
      ``GradientExplainer`` (expected gradients), with ``n_references``
      dinucleotide shuffles of each sequence as its background. Works on
      CNNs and LSTMs alike, since it needs only gradients (shap's
      ``DeepExplainer`` has no rules for LSTMs or a global max).

    Parameters
    ----------
    estimator : CNNClassifier, RNNClassifier or CNNRNNClassifier
        Fitted on a clone by ``fit(X, y)``; wrap a fitted model in
        ``sklearn.frozen.FrozenEstimator`` to explain it as it is.
    method : str, default="saliency"
        One of ``"saliency"``, ``"gradient"``, ``"gradient_x_input"``,
        ``"ism"``, ``"deepshap"``.
    target_class : label or None, default=None
        Class whose score is explained; None takes ``classes_[1]``.
    class_score : {"log_proba", "logit"}, default="log_proba"
        What the gradient methods and ISM differentiate or compare
        (``"deepshap"`` always explains the logit).
    batch_size : int, default=256
        Sequences (or mutants, for ISM) per forward pass: memory stays bounded
        for any number of sequences.
    n_references : int, default=10
        Shuffled references per sequence for ``"deepshap"``.
    n_samples : int, default=200
        Gradient samples per sequence for ``"deepshap"``.
    random_state : int or None, default=0
        Seed of the references and samples of ``"deepshap"``.

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
        "method": [Options(METHODS)],
        "class_score": [Options(CLASS_SCORES)],
        "n_references": [Interval(Integral, 1, None)],
        "n_samples": [Interval(Integral, 1, None)],
    }

    def __init__(
        self,
        estimator: object = None,
        *,
        method: str = "saliency",
        target_class: object = None,
        class_score: str = "log_proba",
        batch_size: int = 256,
        n_references: int = 10,
        n_samples: int = 200,
        random_state: int | None = 0,
    ):
        self.estimator = estimator
        self.method = method
        self.target_class = target_class
        self.class_score = class_score
        self.batch_size = batch_size
        self.n_references = n_references
        self.n_samples = n_samples
        self.random_state = random_state

    def fit(self, X: object, y: object = None) -> "SaliencyExplainer":
        """Check parameters and fit (or take) the classifier; returns ``self``."""
        self._fit_estimator(X, y)
        return self

    def transform(self, X: object) -> np.ndarray:
        """Attributions of shape (n, 4, L), float32, for DNA strings or one-hot X."""
        X_enc = self._encode(X)
        if self.method == "ism":
            return self._ism(X_enc)
        if self.method == "deepshap":
            return self._deepshap(X_enc)
        gradient = self.gradient(X_enc)
        if self.method == "gradient":
            return gradient
        if self.method == "saliency":
            return np.abs(gradient) * X_enc
        return gradient * X_enc

    def gradient(self, X_enc: np.ndarray) -> np.ndarray:
        """d (class score) / dx for one-hot ``X_enc`` (n, 4, L)."""
        out = np.empty_like(X_enc)
        with evaluation_mode(self.classifier_.module_):
            for part, x in self._batches(X_enc):
                x.requires_grad_(True)
                score = self._class_score(x).sum()
                out[part] = torch.autograd.grad(score, x)[0].detach().cpu().numpy()
        return out

    def _scores(self, X_enc: np.ndarray) -> np.ndarray:
        out = np.empty(len(X_enc), dtype=np.float32)
        with torch.no_grad(), evaluation_mode(self.classifier_.module_):
            for part, x in self._batches(X_enc):
                out[part] = self._class_score(x).cpu().numpy()
        return out

    def _ism(self, X_enc: np.ndarray) -> np.ndarray:
        n, _, length = X_enc.shape
        out = np.zeros_like(X_enc)
        reference = self._scores(X_enc)
        eye = np.eye(4, dtype=X_enc.dtype)
        for i in range(n):
            # Every (base, position) whose column is not already that base.
            bases, positions = np.nonzero(X_enc[i] != 1)
            for start in range(0, len(bases), self.batch_size):
                b = bases[start:start + self.batch_size]
                j = positions[start:start + self.batch_size]
                mutants = np.repeat(X_enc[i:i + 1], len(b), axis=0)
                mutants[np.arange(len(b)), :, j] = eye[b]
                out[i, b, j] = self._scores(mutants) - reference[i]
        return out

    def _deepshap(self, X_enc: np.ndarray) -> np.ndarray:
        import shap

        module = self.classifier_.module_
        device = self.classifier_.device
        model = _SignedLogit(module, self._target_sign()).to(device)
        sequences = one_hot_decode(X_enc)
        out = np.empty_like(X_enc)
        with evaluation_mode(module):
            for i, sequence in enumerate(sequences):
                shuffled = dinucleotide_shuffle([sequence], n_shuffles=self.n_references,
                                                random_state=self._seed(i))
                background = torch.as_tensor(one_hot_encode(shuffled), device=device)
                explainer = shap.GradientExplainer(model, background,
                                                   batch_size=self.batch_size)
                values = explainer.shap_values(
                    torch.as_tensor(X_enc[i:i + 1], device=device),
                    nsamples=self.n_samples, rseed=self._seed(i))
                out[i] = np.asarray(values).reshape(X_enc.shape[1:])
        return out

    def _seed(self, i: int) -> int | None:
        return None if self.random_state is None else int(self.random_state) + i


class _SignedLogit(torch.nn.Module):
    """The target class's logit as an (n, 1) output, the form shap expects."""

    def __init__(self, module: torch.nn.Module, sign: float):
        super().__init__()
        self.module = module
        self.sign = sign

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (self.sign * self.module(x)).unsqueeze(-1)
