"""What the three explainers share: the wrapped classifier and its class score."""
from __future__ import annotations

from collections.abc import Iterator
from numbers import Integral
from contextlib import contextmanager

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.utils.validation import check_is_fitted

from .._validation import Interval, validate_params
from ..encoding import check_dna
from ..base import DeMoClassifier
from ..strands import strand_mean_logit
from ..precision import mixed_precision
from ..labels import positive_class

#: Values of the ``class_score`` parameter of the explainers that take one.
CLASS_SCORES = ("log_proba", "logit")


def _inner_classifier(estimator: object, owner: str) -> DeMoClassifier:
    inner = estimator.estimator if isinstance(estimator, FrozenEstimator) else estimator
    if not isinstance(inner, DeMoClassifier):
        raise TypeError(
            f"{owner} explains a CNNClassifier, RNNClassifier or CNNRNNClassifier "
            f"(optionally wrapped in sklearn.frozen.FrozenEstimator); got "
            f"{type(inner).__name__}."
        )
    return inner


def unwrap_classifier(estimator: object, owner: str) -> DeMoClassifier:
    """The fitted DeMo classifier inside ``estimator`` (plain or frozen).

    Raises ``TypeError`` for any other model and ``NotFittedError`` for an
    unfitted one, both naming ``owner``.
    """
    inner = _inner_classifier(estimator, owner)
    try:
        check_is_fitted(inner, "label_encoder_")
    except NotFittedError:
        raise NotFittedError(
            f"{owner} was given an unfitted {type(inner).__name__} inside FrozenEstimator; "
            "fit it first, or pass it unwrapped so that fit(X, y) trains a clone."
        ) from None
    return inner


@contextmanager
def evaluation_mode(module: torch.nn.Module) -> Iterator[torch.nn.Module]:
    """Put ``module`` in eval mode and let gradients flow through recurrent
    layers on every device. The previous modes are restored.

    cuDNN's LSTM refuses backward in eval mode. A single-layer recurrent
    layer (or one without inter-layer dropout) computes the same in train
    mode, so such layers are left in train mode and keep cuDNN's fused
    kernels on a GPU; only a model with inter-layer recurrent dropout has
    cuDNN switched off inside the block.
    """
    modes = {sub: sub.training for sub in module.modules()}
    module.eval()
    recurrent = [sub for sub in module.modules() if isinstance(sub, torch.nn.RNNBase)]
    same_in_train_mode = all(sub.num_layers == 1 or sub.dropout == 0 for sub in recurrent)
    if same_in_train_mode:
        for sub in recurrent:
            sub.train()
    try:
        with torch.backends.cudnn.flags(enabled=same_in_train_mode):
            yield module
    finally:
        for sub, training in modes.items():
            sub.training = training


class ModelExplainer(TransformerMixin, BaseEstimator):
    """Base of the explainers: holds a classifier, fitted by ``fit`` on a
    clone or taken as it is when wrapped in ``FrozenEstimator``.

    A multi-task classifier is explained one task at a time: ``target``
    (a task name or index) picks it, and ``classifier_`` is that task's
    single-output network (:meth:`~sklearn_demo.base.DeMoClassifier.task_classifier`).

    Subclasses call :meth:`_fit_estimator` from ``fit`` and use
    :meth:`_logit`, :meth:`_class_score` (those with a ``class_score``
    parameter) and :meth:`_encode`.
    """

    _parameter_constraints: dict = {"batch_size": [Interval(Integral, 1, None)]}

    def _fit_estimator(self, X: object, y: object) -> None:
        """Validate the parameters (``_parameter_constraints``), then fit or
        take the classifier."""
        validate_params(self)
        name = type(self).__name__
        if self.estimator is None:
            raise ValueError(f"{name}: parameter 'estimator' is required.")
        estimator = clone(self.estimator)
        _inner_classifier(estimator, name)
        if not isinstance(estimator, FrozenEstimator):
            if y is None:
                raise ValueError(
                    f"{name}.fit needs y to train a clone of the {type(estimator).__name__}; "
                    "to explain an already fitted model, wrap it in "
                    "sklearn.frozen.FrozenEstimator."
                )
            estimator.fit(X, y)
        self.estimator_ = estimator
        classifier = unwrap_classifier(estimator, name)
        try:
            self.classifier_ = classifier.task_classifier(self.target)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
        classes = self.classifier_.classes_
        target = positive_class(self.classifier_) if self.target_class is None else self.target_class
        if target not in classes:
            raise ValueError(
                f"{name}: target_class {target!r} is not one of the classes "
                f"{classes.tolist()}."
            )
        self.target_class_ = target
        self.n_features_in_ = self.classifier_.n_features_in_

    def _encode(self, X: object) -> np.ndarray:
        """Validate ``X`` as the wrapped classifier does; (n, 4, L) float32."""
        check_is_fitted(self, "classifier_")
        return check_dna(X, padding=self.classifier_.padding)

    def _logit(self, x: torch.Tensor) -> torch.Tensor:
        """The target class's logit (log-odds) for a batch, shape (n,), in
        float32, as ``decision_function`` gives it (a model that reads both
        strands: of the mean of the two strands' probabilities); the forward
        pass runs in the classifier's ``precision``."""
        clf = self.classifier_
        with mixed_precision(clf.device, clf.precision):
            logit = clf.module_(x).float()
            if clf.reads_both_strands(x.shape[1]):  # what predict_proba gives
                logit = strand_mean_logit(logit, clf.module_(x.flip((1, 2))).float())
        return self._target_sign() * logit

    def _class_score(self, x: torch.Tensor) -> torch.Tensor:
        """The explained score for a batch, shape (n,): the target class's
        logit with ``class_score="logit"``, else log p(target_class | x)."""
        return self._score_of_logit(self._logit(x))

    def _score_of_logit(self, logit: torch.Tensor) -> torch.Tensor:
        """The explained score of a batch of the target class's logits."""
        return logit if self.class_score == "logit" else torch.nn.functional.logsigmoid(logit)

    def _target_sign(self) -> float:
        """+1 when the module's logit is that of ``target_class_``, else -1."""
        return 1.0 if self.target_class_ == self.classifier_.classes_[1] else -1.0

    def _tensor_slices(self, X: np.ndarray) -> Iterator[tuple[slice, torch.Tensor]]:
        device = self.classifier_.device
        for start in range(0, len(X), self.batch_size):
            part = slice(start, start + self.batch_size)
            yield part, torch.as_tensor(X[part], device=device)


    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags
