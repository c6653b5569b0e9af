"""CNN, RNN and CNN-RNN classifiers: skorch nets that take DNA strings.

Each classifier is a :class:`skorch.NeuralNetBinaryClassifier` subclass, so
everything skorch offers (callbacks, ``module__*`` parameters, ``warm_start``,
``save_params``/``load_params``, pickling) works, and it follows the
scikit-learn estimator contract: ``fit`` validates and returns ``self``,
``predict_proba`` returns (n, 2), labels can be any two values (``classes_``).

Training follows DeMo (Lanchantin et al. 2017) by default: Adam with learning
rate 1e-2, batches of 256, gradient-norm clipping at 5, learning rate halved
every 10 epochs, up to 50 epochs, keeping the best epoch. Where we differ:

* the best epoch is chosen on a stratified validation split of the training
  data (``validation_fraction=0.1``) by validation loss, and training stops
  after ``patience`` epochs without improvement (DeMo ran all 50 epochs and
  kept the best; early stopping gives the same model sooner);
* convolutions use "same" padding so the models score any sequence length;
* the RNN and the CNN-RNN have defaults of their own (max-pooled LSTM outputs,
  Adam at 3e-3; batches of 32 and 128 LSTM units for the RNN, batches of 64
  and conv maps pooled by 4 for the CNN-RNN), because DeMo's recipe does not
  learn there: see
  :class:`RNNClassifier` and :class:`CNNRNNClassifier`.
"""
from __future__ import annotations

from numbers import Integral, Real
from contextlib import contextmanager, nullcontext

import numpy as np
import torch
from skorch import NeuralNetBinaryClassifier
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from torch.utils.data import Dataset

from ._validation import (
    Interval, NonEmptyTupleOf, Options, check_binary_labels, validate_params,
)
from .encoding import (
    PADDING_MODES, _check_values, check_dna, holds_text, is_sequence_collection,
    reverse_complement,
)
from .networks import FILTER_STRANDS, POOLS, DeMoCNN, DeMoCNNRNN, DeMoRNN
from .precision import PRECISIONS, mixed_precision
from .training import StrandPairedSplit, default_callbacks

__all__ = ["CNNClassifier", "RNNClassifier", "CNNRNNClassifier"]

#: With ``early_stopping="auto"``, the fewest sequences of each class the
#: validation split must expect to hold for the classifiers to make one.
MIN_VALIDATION_PER_CLASS = 10

class _DeMoClassifier(NeuralNetBinaryClassifier):
    """Shared behaviour of the three DeMo classifiers.

    Subclasses set ``_module_params``, the names of their constructor
    parameters that are forwarded to the torch module, and extend
    ``_parameter_constraints``, the table ``fit`` validates.
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
        _check_values(arr, "X")
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

    def fit(self, X, y, **fit_params) -> "_DeMoClassifier":
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

    def partial_fit(self, X, y, classes=None, **fit_params) -> "_DeMoClassifier":
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.string = True
        tags.classifier_tags.multi_class = False
        tags.non_deterministic = self.random_state is None
        return tags


class CNNClassifier(_DeMoClassifier):
    """DeMo's convolutional network (:class:`~sklearn_demo.networks.DeMoCNN`).

    Parameters
    ----------
    module : torch module class, default=DeMoCNN
    n_filters : int, default=128
        Feature maps of every convolution.
    filter_widths : tuple of int, default=(9, 5, 3)
        One convolution per width.
    pool_size : int, default=2
        Max-pooling between convolutions.
    dropout : float, default=0.5
    optimizer, lr, max_epochs, batch_size : as in skorch; defaults Adam,
        0.01, 50, 256 (DeMo's).
    validation_fraction : float, default=0.1
        Share of the training data held out (stratified) to pick the best
        epoch and stop early; 0 trains on everything for ``max_epochs``.
    early_stopping : "auto" or bool, default="auto"
        Hold out ``validation_fraction`` and stop early. "auto" (as
        scikit-learn's ``HistGradientBoostingClassifier``) does so only when
        the split would hold at least 10 sequences of each class (e.g. 200
        balanced sequences at 0.1), and says so in verbose mode when it does
        not; then, as with False, every sequence trains for ``max_epochs``.
    train_split : "auto", callable or None, default="auto"
        "auto": the split above. Otherwise skorch's meaning: a callable
        (e.g. ``skorch.helper.predefined_split(valid)``) makes the split,
        None trains on everything without validation.
    patience : int or None, default=10
        Epochs without validation-loss improvement before stopping.
    clip_norm : float or None, default=5.0
        Gradient-norm clipping.
    lr_step : int or None, default=10
        Multiply the learning rate by ``lr_decay`` every ``lr_step`` epochs.
    lr_decay : float, default=0.5
    reverse_complement : bool or "auto", default=False
        Train on both strands (augmentation; a sequence and its reverse
        complement stay on the same side of the validation split) and average
        the two strands' probabilities at prediction. DeMo did neither.
        "auto" does so for DNA (4 channels) and not for other numeric input.
        Not for data whose label depends on the order of motifs on one strand
        (see :class:`CNNRNNClassifier`).
    padding : {"error", "right", "center"}, default="error"
        How DNA strings of different lengths are padded.
    random_state : int, RandomState or None, default=None
        Makes ``fit`` reproducible on CPU (weights, shuffling, dropout,
        validation split). On CUDA, cuDNN kernels may still differ in the
        last bits between runs.
    device : str, default="cpu"
    precision : {"float32", "bfloat16"}, default="float32"
        "bfloat16" trains and predicts with mixed precision
        (:func:`torch.autocast`): convolutions and linear layers compute in
        bfloat16, weights, gradients, optimizer state and the loss stay
        float32, and the LSTM runs in float32. It pays off on GPUs with
        bfloat16 tensor cores (Ampere and newer) and CPUs with AMX; on other
        CPUs it is slower (see ``benchmarks/RESULTS.md``).
    verbose : int, default=1
        1 prints a line per epoch (and a progress bar on a terminal); 0 is quiet.
    **kwargs
        Any other skorch parameter (``callbacks``, ``module__*``,
        ``train_split``, ``warm_start``, ...).

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    n_features_in_ : int
        Input channels (4 for DNA).
    module_ : torch.nn.Module
    history_ : skorch History
    validating_ : bool
        Whether the last ``fit`` held out a validation split (see
        ``early_stopping``).

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(200, random_state=0)
    >>> clf = CNNClassifier(n_filters=8, max_epochs=2, verbose=0, random_state=0)
    >>> clf.fit(data.X, data.y).predict_proba(data.X[:3]).shape
    (3, 2)
    """

    _module_params = ("n_filters", "filter_widths", "pool_size", "dropout")
    _parameter_constraints = {
        "n_filters": [Interval(Integral, 1, None)],
        "filter_widths": [NonEmptyTupleOf(Interval(Integral, 1, None))],
        "pool_size": [Interval(Integral, 1, None)],
    }

    def __init__(
        self,
        module: type[torch.nn.Module] = DeMoCNN,
        *,
        n_filters: int = 128,
        filter_widths: tuple[int, ...] = (9, 5, 3),
        pool_size: int = 2,
        dropout: float = 0.5,
        **kwargs: object,
    ):
        super().__init__(module, **kwargs)
        self.n_filters = n_filters
        self.filter_widths = filter_widths
        self.pool_size = pool_size
        self.dropout = dropout


class RNNClassifier(_DeMoClassifier):
    """DeMo's recurrent network (:class:`~sklearn_demo.networks.DeMoRNN`): a
    bidirectional LSTM over the one-hot sequence.

    DeMo's recipe (32 units, outputs averaged over positions, Adam at 1e-2,
    batches of 256) stays at chance on most ENCODE sets; the defaults below
    are the smallest changes that make it learn, each measured on its own.
    DeMo's recipe stays one call away: ``RNNClassifier(hidden_size=32,
    lstm_pool="mean", lr=0.01, batch_size=256, lstm_input_std=None)``.
    Read more in the :doc:`user guide </guide/models>`.

    Parameters
    ----------
    module : torch module class, default=DeMoRNN
    hidden_size : int, default=128
        LSTM units per direction (DeMo: 32, too few to hold a 20-bp motif in
        the state; with the maximum over positions, 128 make it learn).
    dropout : float, default=0.5
    lstm_pool : {"max", "mean"}, default="max"
        Pooling of the LSTM outputs over positions (DeMo: "mean", which
        dilutes the few positions where a motif is read, so the network
        never leaves the "predict 0.5" plateau).
    lstm_timescale : float or None, default=None
        None: torch's LSTM initialisation. A number of positions (above 2):
        chrono initialisation of the gates
        (:func:`~sklearn_demo.networks.chrono_initialize_`), for labels that
        depend on motifs far apart, such as their order. Not the default: it
        slows learning where one short motif decides.
    lstm_input_std : float or None, default=1.0
        Standard deviation of the LSTM's input weights at initialisation
        (:func:`~sklearn_demo.networks.init_input_weights_`): one-hot DNA sets
        one input per position, and a unit-variance weight lets each base
        move every gate from the start. None: torch's (+-1/sqrt(hidden_size),
        DeMo's too), which leaves the network on its loss plateau for
        epochs.
    lr : float, default=3e-3
        Adam's learning rate (DeMo: 1e-2).
    batch_size : int, default=32
        (DeMo: 256.) Twice the updates of 64, with more gradient noise,
        leave the plateau earlier on hard sets.
    **kwargs
        Training parameters as in :class:`CNNClassifier`.

    Examples
    --------
    >>> from sklearn_demo import RNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(200, random_state=0)
    >>> RNNClassifier(hidden_size=4, max_epochs=1, verbose=0).fit(data.X, data.y).classes_
    array([0, 1])
    """

    _module_params = ("hidden_size", "dropout", "lstm_pool", "lstm_timescale", "lstm_input_std")
    _parameter_constraints = {"hidden_size": [Interval(Integral, 1, None)], "lstm_pool": [Options(POOLS)],
                              "lstm_timescale": [Interval(Real, 2, None, closed="neither"), None],
                              "lstm_input_std": [Interval(Real, 0, None, closed="neither"), None]}

    def __init__(
        self,
        module: type[torch.nn.Module] = DeMoRNN,
        *,
        hidden_size: int = 128,
        dropout: float = 0.5,
        lstm_pool: str = "max",
        lstm_timescale: float | None = None,
        lstm_input_std: float | None = 1.0,
        lr: float = 3e-3,
        batch_size: int = 32,
        **kwargs: object,
    ):
        super().__init__(module, lr=lr, batch_size=batch_size, **kwargs)
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.lstm_pool = lstm_pool
        self.lstm_timescale = lstm_timescale
        self.lstm_input_std = lstm_input_std


class CNNRNNClassifier(_DeMoClassifier):
    """DeMo's convolutional-recurrent network
    (:class:`~sklearn_demo.networks.DeMoCNNRNN`): one convolution whose feature
    maps, max-pooled, a bidirectional LSTM reads.

    DeMo's recipe (no pooling, LSTM outputs averaged over positions, Adam at
    1e-2, batches of 256) does not learn dependencies between motifs; the
    defaults below do, and their filters read both strands. DeMo's recipe:
    ``CNNRNNClassifier(pool_size=1, lstm_pool="mean", lr=0.01,
    batch_size=256, filter_strands="forward")``. Read more in the
    :doc:`user guide </guide/models>`.

    Parameters
    ----------
    module : torch module class, default=DeMoCNNRNN
    n_filters : int, default=128
    filter_width : int, default=9
    pool_size : int, default=4
        Max-pooling of the feature maps before the LSTM (DeMo: 1, none):
        with it, and the maximum over positions, the LSTM reads the order of
        two motifs 30-50 bp apart.
    hidden_size : int, default=32
    dropout : float, default=0.5
    lstm_pool : {"max", "mean"}, default="max"
        Pooling of the LSTM outputs over positions (DeMo: "mean").
    filter_strands : {"auto", "both", "forward"}, default="auto"
        "both": every filter also reads the reverse strand (DNA input with
        4 channels only), so it finds its motif in either orientation while
        the LSTM still reads along the forward strand; "forward": the
        forward strand only (DeMo); "auto": "both" on 4-channel input, else
        "forward".
    lstm_timescale : float or None, default=None
        Chrono initialisation of the LSTM's gates over that many steps, as in
        :class:`RNNClassifier`; None: torch's.
    lr : float, default=3e-3
        Adam's learning rate (DeMo: 1e-2).
    batch_size : int, default=64
        (DeMo: 256.)
    reverse_complement : bool or "auto", default=False
        Both strands, as in :class:`CNNClassifier`: better where motif order
        does not matter, at twice the training time; off by default because a
        model that is the same on both strands cannot read an order defined
        on one.
    **kwargs
        Training parameters as in :class:`CNNClassifier`.

    Examples
    --------
    >>> from sklearn_demo import CNNRNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(200, random_state=0)
    >>> clf = CNNRNNClassifier(n_filters=8, hidden_size=4, max_epochs=1, verbose=0)
    >>> clf.fit(data.X, data.y).predict(data.X[:2]).shape
    (2,)
    """

    _module_params = ("n_filters", "filter_width", "pool_size", "hidden_size", "dropout",
                      "lstm_pool", "filter_strands", "lstm_timescale")
    _parameter_constraints = {
        "n_filters": [Interval(Integral, 1, None)],
        "filter_width": [Interval(Integral, 1, None)],
        "pool_size": [Interval(Integral, 1, None)],
        "hidden_size": [Interval(Integral, 1, None)],
        "lstm_pool": [Options(POOLS)],
        "filter_strands": [Options(FILTER_STRANDS + ("auto",))],
        "lstm_timescale": [Interval(Real, 2, None, closed="neither"), None],
    }

    def __init__(
        self,
        module: type[torch.nn.Module] = DeMoCNNRNN,
        *,
        n_filters: int = 128,
        filter_width: int = 9,
        pool_size: int = 4,
        hidden_size: int = 32,
        dropout: float = 0.5,
        lstm_pool: str = "max",
        filter_strands: str = "auto",
        lstm_timescale: float | None = None,
        lr: float = 3e-3,
        batch_size: int = 64,
        **kwargs: object,
    ):
        super().__init__(module, lr=lr, batch_size=batch_size, **kwargs)
        self.n_filters = n_filters
        self.filter_width = filter_width
        self.pool_size = pool_size
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.lstm_pool = lstm_pool
        self.filter_strands = filter_strands
        self.lstm_timescale = lstm_timescale

    def _module_kwargs(self) -> dict:
        kwargs = super()._module_kwargs()
        if kwargs["filter_strands"] == "auto":  # both strands on DNA only
            kwargs["filter_strands"] = "both" if self.n_features_in_ == 4 else "forward"
        return kwargs
