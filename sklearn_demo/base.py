"""The base class of the three DeMo classifiers (:class:`DeMoClassifier`).

Training follows DeMo (Lanchantin et al. 2017) by default: Adam with learning
rate 1e-2, batches of 256, gradient-norm clipping at 5, learning rate halved
every 10 epochs, up to 50 epochs, keeping the best epoch, chosen here on a
stratified validation split by validation loss with early stopping
(``patience``). The three architectures are in :mod:`sklearn_demo.estimators`.
"""
from __future__ import annotations

import json
from contextlib import contextmanager, nullcontext
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch import NeuralNetBinaryClassifier
from torch.utils.data import Dataset

from ._validation import Interval, Options, check_binary_labels, validate_params
from .encoding import (
    PADDING_MODES, check_dna, check_values, holds_text, is_sequence_collection,
    reverse_complement,
)
from .precision import PRECISIONS, mixed_precision
from .training import StrandPairedSplit, default_callbacks

__all__ = ["DeMoClassifier"]

#: With ``early_stopping="auto"``, the fewest sequences of each class the
#: validation split must expect to hold for the classifiers to make one.
MIN_VALIDATION_PER_CLASS = 10

class DeMoClassifier(NeuralNetBinaryClassifier):
    """The base class of the three DeMo classifiers: a skorch
    :class:`~skorch.NeuralNetBinaryClassifier` that takes DNA strings.

    It owns what the three share: input validation (DNA strings, one-hot
    ``(n, 4, L)`` arrays or numeric rows), the seeded validation split and
    early stopping, both strands (``reverse_complement``), mixed precision,
    and its own fitted state as plain data (:meth:`fitted_state`,
    :meth:`from_fitted_state`, which :func:`~sklearn_demo.save_model` and
    :func:`~sklearn_demo.load_model` write to and read from a file).

    Subclasses set ``_module_params``, the names of their constructor
    parameters that are forwarded to the torch module, and extend
    ``_parameter_constraints``, the table ``fit`` validates. Read more in
    the :doc:`User Guide </guide/models>`.
    """

    _module_params: tuple[str, ...] = ()
    _parameter_constraints: dict = {
        "lr": [Interval(Real, 0, None, closed="right")],
        "max_epochs": [Interval(Integral, 1, None)],
        "batch_size": [Interval(Integral, 1, None)],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean", Options(("auto",))],
        "train_split": [Options(("auto",)), callable, None],
        "patience": [Interval(Integral, 1, None), None],
        "clip_norm": [Interval(Real, 0, None, closed="right"), None],
        "lr_step": [Interval(Integral, 1, None), None],
        "lr_decay": [Interval(Real, 0, 1, closed="right")],
        "reverse_complement": ["boolean", Options(("auto",))],
        "padding": [Options(PADDING_MODES)],
        "precision": [Options(tuple(PRECISIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        module: type[torch.nn.Module],
        *,
        optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
        lr: float = 0.01,
        max_epochs: int = 50,
        batch_size: int = 256,
        validation_fraction: float = 0.1,
        early_stopping: bool | str = "auto",
        patience: int | None = 10,
        clip_norm: float | None = 5.0,
        lr_step: int | None = 10,
        lr_decay: float = 0.5,
        reverse_complement: bool = False,
        padding: str = "error",
        random_state: int | np.random.RandomState | None = None,
        device: str = "cpu",
        precision: str = "float32",
        verbose: int = 1,
        train_split: object = "auto",
        **kwargs: object,
    ):
        super().__init__(
            module,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            device=device,
            verbose=verbose,
            train_split=train_split,
            **kwargs,
        )
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.clip_norm = clip_norm
        self.lr_step = lr_step
        self.lr_decay = lr_decay
        self.reverse_complement = reverse_complement
        self.padding = padding
        self.random_state = random_state
        self.precision = precision

    # ---------------------------------------------------------------- config
    @property
    def _default_callbacks(self):
        return default_callbacks(
            verbose=self.verbose,
            validating=self.train_split is not None and (
                self.train_split != "auto"
                or (bool(self.validation_fraction) and self.early_stopping is not False)),
            clip_norm=self.clip_norm, lr_step=self.lr_step, lr_decay=self.lr_decay,
            patience=self.patience)

    def initialize_module(self):
        """Build the module from the named hyper-parameters and the input width.

        ``module__*`` parameters, skorch's usual route, override the named ones.
        """
        kwargs = self._module_kwargs()
        kwargs["in_channels"] = self.n_features_in_
        kwargs.update(self.get_params_for("module"))
        self.module_ = self.initialized_instance(self.module, kwargs)
        return self

    def _module_kwargs(self) -> dict:
        """The module's constructor arguments from the named hyper-parameters."""
        return {name: getattr(self, name) for name in self._module_params}

    def get_split_datasets(self, X, y=None, **fit_params):
        """Split off ``validation_fraction`` of the data, stratified and seeded.

        ``train_split`` keeps skorch's meaning when set: a callable (e.g.
        ``skorch.helper.predefined_split``) makes the split, None makes none.
        With ``reverse_complement=True`` the second half of ``X`` is the
        reverse complement of the first; a sequence and its reverse
        complement go to the same side, so validation never scores a strand
        whose partner was trained on.
        """
        if not isinstance(self.train_split, str):  # skorch's: a callable or None
            return super().get_split_datasets(X, y, **fit_params)
        dataset = self.get_dataset(X, y)
        if not self.validating_:
            return dataset, None
        split = StrandPairedSplit(self.validation_fraction, paired=self._both_strands(X),
                                  random_state=self.random_seed_)
        return split(dataset, y)

    def _check_params(self) -> None:
        validate_params(self)
        if str(self.device).startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(
                f"{type(self).__name__}: device={self.device!r} was asked for, but torch sees "
                "no CUDA device on this machine; use device='cpu'."
            )

    def infer(self, x, **fit_params):
        """Forward pass of one batch; logits come back in float32.

        With ``precision="bfloat16"`` the pass runs under :func:`torch.autocast`
        (convolutions and linear layers in bfloat16, weights, optimizer state
        and loss in float32; the LSTM stays in float32, see
        :class:`~sklearn_demo.networks.BiLSTMHead`).
        """
        with mixed_precision(self.device, self.precision):
            logits = super().infer(x, **fit_params)
        return logits if self.precision == "float32" else logits.float()

    # ----------------------------------------------------------------- input
    def _validate_X(self, X: object, *, reset: bool) -> np.ndarray:
        """DNA strings, (n, 4, L) one-hot arrays or (n, channels) numeric rows
        in; a float32 array of shape (n, channels, L) out.

        A 2-D numeric array is read as sequences of length one whose columns
        are the channels, so tabular data flows through the same code.
        """
        if is_sequence_collection(X) or holds_text(X):
            encoded = check_dna(X, padding=self.padding)
            if reset:
                self.n_features_in_ = encoded.shape[1]
                if hasattr(self, "feature_names_in_"):
                    del self.feature_names_in_
            else:
                self._check_n_channels(encoded)
            return encoded
        arr = validate_data(self, X, reset=reset, allow_nd=True, dtype=np.float32,
                            ensure_min_features=1)
        if arr.ndim == 2:
            return arr[:, :, None]
        if arr.ndim != 3:
            raise ValueError(
                f"X must be DNA strings, an array of shape (n_sequences, 4, length) or "
                f"a 2-D numeric array; got an array of shape {arr.shape}."
            )
        check_values(arr, "X")
        return arr

    def _check_n_channels(self, X: np.ndarray) -> None:
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input (channels; 4 for DNA)."
            )

    def _validate_y(self, y: object, *, reset: bool, n_samples: int,
                    classes: object = None) -> np.ndarray:
        y, labels = check_binary_labels(y, owner=type(self).__name__, n_samples=n_samples,
                                        classes=classes if reset else self.classes_)
        if reset:
            self.label_encoder_ = LabelEncoder().fit(labels)
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(f"y contains labels {unknown.tolist()} not in classes {self.classes_.tolist()}.")
        return self.label_encoder_.transform(y).astype(np.float32)

    def _prepare_fit(self, X, y, *, reset: bool, classes: object = None):
        self._check_params()
        X_enc = self._validate_X(X, reset=reset)
        y_enc = self._validate_y(y, reset=reset, n_samples=len(X_enc), classes=classes)
        if reset:
            self.input_width_ = int(X_enc.shape[2])
            self.validating_ = self._decide_validation(y_enc)
        if self._both_strands(X_enc):
            X_enc = np.concatenate([X_enc, reverse_complement(X_enc)])
            y_enc = np.concatenate([y_enc, y_enc])
        return X_enc, y_enc

    def _decide_validation(self, y_enc: np.ndarray) -> bool:
        """Whether this fit holds out a validation split (and stops early).

        ``early_stopping="auto"`` validates when the split would hold at
        least ``MIN_VALIDATION_PER_CLASS`` sequences of each class, and says
        so when it does not; ``True`` needs at least one of each.
        """
        if not isinstance(self.train_split, str):
            return self.train_split is not None
        if not self.validation_fraction or self.early_stopping is False:
            return False
        name = type(self).__name__
        smaller = int(np.bincount(y_enc.astype(int), minlength=2).min())
        expected = smaller * self.validation_fraction
        if self.early_stopping == "auto" and expected < MIN_VALIDATION_PER_CLASS:
            if self.verbose:
                print(f"{name}: no validation split: validation_fraction="
                      f"{self.validation_fraction} of the {smaller} sequences of the smaller "
                      f"class would hold {expected:.1f}, fewer than {MIN_VALIDATION_PER_CLASS} "
                      f"(early_stopping='auto'); training on all {len(y_enc)} for "
                      f"max_epochs={self.max_epochs} epochs without early stopping.")
            return False
        if expected < 1:
            raise ValueError(
                f"{name}: validation_fraction={self.validation_fraction} of the {smaller} "
                f"sequences of the smaller class holds none of them, and early_stopping=True "
                "needs both classes in the validation split; give more data, a larger "
                "validation_fraction, or early_stopping='auto' or False.")
        return True

    def _both_strands(self, X: np.ndarray) -> bool:
        """Whether ``reverse_complement`` reads both strands of ``X`` (n, channels, L):
        always with True (DNA, 4 channels, required), on DNA only with "auto"."""
        if self.reverse_complement == "auto":
            return X.shape[1] == 4
        if self.reverse_complement and X.shape[1] != 4:
            raise ValueError(
                f"reverse_complement=True needs DNA input with 4 channels, got {X.shape[1]}."
            )
        return bool(self.reverse_complement)

    def _draw_seed(self) -> None:
        """Fix ``random_seed_``, the one seed behind weights, batches and split."""
        self.random_seed_ = (None if self.random_state is None
                             else int(check_random_state(self.random_state).randint(2**31)))

    @contextmanager
    def _seeded(self):
        """Seed torch from ``random_state`` without touching the caller's RNG."""
        if self.random_state is None:
            yield
            return
        cuda = str(self.device).startswith("cuda")
        devices = [torch.device(self.device).index or 0] if cuda else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(self.random_seed_)
            yield

    # ------------------------------------------------------------------- API
    @property
    def classes_(self) -> np.ndarray:
        """The two class labels seen in ``fit``, in sorted order."""
        check_is_fitted(self, "label_encoder_")
        return self.label_encoder_.classes_

    def fit(self, X, y, **fit_params) -> "DeMoClassifier":
        """Train on ``X`` (DNA strings or one-hot (n, 4, L)) and labels ``y``.

        Parameters
        ----------
        X : sequence of str, ndarray of str, or array of shape (n, 4, L)
        y : array-like of shape (n,)
            Any two labels.
        **fit_params
            Passed to skorch.

        Returns
        -------
        self
        """
        reset = not (self.warm_start and self.initialized_)
        if reset:
            self._draw_seed()
        X_enc, y_enc = self._prepare_fit(X, y, reset=reset)
        with self._seeded():
            if reset:
                self.initialize()
            super().partial_fit(X_enc, y_enc, _routing_method="fit", **fit_params)
        return self

    def partial_fit(self, X, y, classes=None, **fit_params) -> "DeMoClassifier":
        """Train for ``max_epochs`` more epochs without re-initialising.

        ``classes`` (both labels) is needed on the first call only if ``y``
        of that call holds a single label.
        """
        first = not self.initialized_
        if first:
            self._draw_seed()
        X_enc, y_enc = self._prepare_fit(X, y, reset=first, classes=classes)
        with self._seeded() if first else nullcontext():
            super().partial_fit(X_enc, y_enc, **fit_params)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n, 2), columns in ``classes_`` order.

        With ``reverse_complement=True`` the positive-class probability is
        the mean over the sequence and its reverse complement.
        """
        if isinstance(X, Dataset):  # skorch's own validation scoring
            return super().predict_proba(X)
        check_is_fitted(self, "label_encoder_")
        X_enc = self._validate_X(X, reset=False)
        self._check_n_channels(X_enc)
        positive = super().predict_proba(X_enc)[:, 1]
        if self._both_strands(X_enc):
            positive = (positive + super().predict_proba(reverse_complement(X_enc))[:, 1]) / 2
        return np.column_stack([1 - positive, positive])

    def decision_function(self, X) -> np.ndarray:
        """The model's raw logit (log-odds) of the positive class
        ``classes_[1]``, float64, shape (n,): never capped, so confident
        sequences keep their ranking where probabilities round to 1. With
        ``reverse_complement=True``, the log-odds of the mean of the two
        strands' probabilities (what ``predict_proba`` gives)."""
        check_is_fitted(self, "label_encoder_")
        X_enc = self._validate_X(X, reset=False)
        self._check_n_channels(X_enc)
        logit = self._logits(X_enc)
        if not self._both_strands(X_enc):
            return logit
        other = self._logits(reverse_complement(X_enc))
        # log(p1 + p2) - log(q1 + q2), with log p = -log(1 + e^-z), log q = -log(1 + e^z)
        return (np.logaddexp(-np.logaddexp(0, -logit), -np.logaddexp(0, -other))
                - np.logaddexp(-np.logaddexp(0, logit), -np.logaddexp(0, other)))

    def _logits(self, X_enc: np.ndarray) -> np.ndarray:
        return self.forward(X_enc, training=False).detach().cpu().numpy().astype(np.float64).ravel()

    def predict(self, X) -> np.ndarray:
        """Predicted labels from ``classes_``: positive when its probability
        exceeds ``threshold``."""
        return self.classes_[(self.predict_proba(X)[:, 1] > self.threshold).astype(int)]

    # ----------------------------------------------------------- persistence
    #: Parameters that are code or run-time objects, not hyper-parameters:
    #: :meth:`fitted_state` leaves them out and a restored estimator takes its
    #: class defaults for them.
    _NOT_SAVED = frozenset({
        "module", "criterion", "optimizer", "iterator_train", "iterator_valid", "dataset",
        "train_split", "callbacks", "predict_nonlinearity", "_params_to_validate",
        "torch_load_kwargs"})

    def fitted_state(self) -> dict:
        """The fitted network as plain data: its hyper-parameters (JSON-able),
        ``classes``, ``n_features_in``, ``input_width`` and the module's
        ``state_dict`` (on the CPU). :meth:`from_fitted_state` rebuilds it;
        :func:`~sklearn_demo.save_model` writes it to a file.

        A ``RandomState`` instance as ``random_state`` is saved as None (the
        weights are saved; the generator is not).
        """
        check_is_fitted(self, "label_encoder_")
        params = {}
        for key, value in self.get_params(deep=False).items():
            if key in self._NOT_SAVED or key.startswith(("callbacks__", "iterator_")):
                continue
            if isinstance(value, np.random.RandomState):
                value = None
            if isinstance(value, tuple):
                value = list(value)
            json.dumps(value)  # raises TypeError for anything that is not plain data
            params[key] = value
        return {
            "params": params,
            "classes": self.classes_.tolist(),
            "n_features_in": int(self.n_features_in_),
            "input_width": getattr(self, "input_width_", None),
            "state_dict": {k: v.detach().cpu() for k, v in self.module_.state_dict().items()},
        }

    @classmethod
    def from_fitted_state(cls, state: dict, *, device: str = "cpu") -> DeMoClassifier:
        """A fitted estimator of this class from :meth:`fitted_state`'s data,
        on ``device``; ``input_width`` may be missing (None: unknown).

        Raises ``ValueError`` when the parameters are invalid or the weights do
        not fit the architecture they describe. The caller's random stream
        does not move (building the module draws initial weights).
        """
        params = {**state["params"], "device": device}
        if isinstance(params.get("filter_widths"), list):
            params["filter_widths"] = tuple(params["filter_widths"])
        try:
            estimator = cls(**params)
            estimator._check_params()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"bad saved parameters ({exc})") from None
        estimator.n_features_in_ = state["n_features_in"]
        estimator.input_width_ = state.get("input_width")
        estimator.label_encoder_ = LabelEncoder().fit(np.array(state["classes"]))
        estimator.random_seed_ = None
        with torch.random.fork_rng(devices=[]):
            estimator.initialize()
        try:
            estimator.module_.load_state_dict(state["state_dict"])
        except RuntimeError as exc:
            raise ValueError(f"the saved weights do not fit a {cls.__name__} with the saved "
                             f"parameters ({exc}).") from None
        estimator.module_.to(device)
        return estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.string = True
        tags.classifier_tags.multi_class = False
        tags.non_deterministic = self.random_state is None
        return tags
