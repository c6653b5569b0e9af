"""The base class of the three DeMo classifiers (:class:`DeMoClassifier`).

Training follows DeMo (Lanchantin et al. 2017) by default: Adam with learning
rate 1e-2, batches of 256, gradient-norm clipping at 5, learning rate halved
every 10 epochs, up to 50 epochs, keeping the best epoch, chosen here on a
stratified validation split by validation loss with early stopping
(``patience``). The three architectures are in :mod:`sklearn_demo.estimators`.
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet, NeuralNetBinaryClassifier
from skorch.dataset import unpack_data
from skorch.utils import _sigmoid_then_2d, to_device, to_tensor
from torch.utils.data import Dataset

from ._validation import POS_LABEL, Interval, NonEmptyTupleOf, Options, validate_params
from .classifier_input import InputMixin
from .encoding import PADDING_MODES, reverse_complement
from .ensemble import SeedEnsemble
from .fitted_state import FittedStateMixin
from .multitask import MultiTaskMixin
from .precision import PRECISIONS, mixed_precision
from .strands import is_dna, probability_of_logit, strand_mean_logit
from .training import (
    LR_SCHEDULES, MaskedBCEWithLogitsLoss, ReverseComplementDataset, StrandPairedSplit,
    default_callbacks, random_shift,
)
from .validation_split import ValidationSplitMixin

__all__ = ["DeMoClassifier", "strand_mean_logit"]



class DeMoClassifier(InputMixin, MultiTaskMixin, FittedStateMixin, ValidationSplitMixin,
                     NeuralNetBinaryClassifier):
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
        "lr_schedule": [Options(LR_SCHEDULES)],
        "lr_step": [Interval(Integral, 1, None), None],
        "lr_decay": [Interval(Real, 0, 1, closed="right")],
        "reverse_complement": ["boolean", Options(("auto",))],
        "max_shift": [Interval(Integral, 0, None), Options(("auto",))],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "ema_decay": [Interval(Real, 0, 1, closed="neither"), None],
        "ensemble_size": [Interval(Integral, 1, None)],
        "padding": [Options(PADDING_MODES)],
        "precision": [Options(tuple(PRECISIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "class_weight": [Options(("balanced",)), dict, None],
        "task_names": [NonEmptyTupleOf(str), None],
        "pos_label": POS_LABEL,
    }

    def __init__(
        self,
        module: type[torch.nn.Module],
        *,
        optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
        criterion: type = MaskedBCEWithLogitsLoss,
        lr: float = 0.01,
        max_epochs: int = 50,
        batch_size: int = 256,
        validation_fraction: float = 0.1,
        early_stopping: bool | str = "auto",
        patience: int | None = 10,
        clip_norm: float | None = 5.0,
        lr_schedule: str = "step",
        lr_step: int | None = 10,
        lr_decay: float = 0.5,
        reverse_complement: bool = False,
        max_shift: int | str = 0,
        weight_decay: float = 0.0,
        ema_decay: float | None = None,
        ensemble_size: int = 1,
        padding: str = "error",
        random_state: int | np.random.RandomState | None = None,
        device: str = "cpu",
        precision: str = "float32",
        class_weight: str | None = None,
        task_names: list[str] | None = None,
        pos_label: object = None,
        verbose: int = 1,
        train_split: object = "auto",
        **kwargs: object,
    ):
        super().__init__(
            module,
            optimizer=optimizer,
            criterion=criterion,
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
        self.lr_schedule = lr_schedule
        self.lr_step = lr_step
        self.lr_decay = lr_decay
        self.reverse_complement = reverse_complement
        self.max_shift = max_shift
        self.weight_decay = weight_decay
        self.ema_decay = ema_decay
        self.ensemble_size = ensemble_size
        self.padding = padding
        self.random_state = random_state
        self.precision = precision
        self.class_weight = class_weight
        self.task_names = task_names
        self.pos_label = pos_label

    # ---------------------------------------------------------------- config
    @property
    def _default_callbacks(self):
        return default_callbacks(
            verbose=self.verbose,
            validating=self._may_validate(),
            clip_norm=self.clip_norm, lr_schedule=self.lr_schedule, lr_step=self.lr_step,
            lr_decay=self.lr_decay, patience=self.patience, ema_decay=self.ema_decay)

    def initialize_module(self):
        """Build the module from the named hyper-parameters and the input width.

        ``module__*`` parameters, skorch's usual route, override the named ones.
        """
        kwargs = self._module_kwargs()
        kwargs["in_channels"] = self.n_features_in_
        if self.is_multitask:
            kwargs["n_outputs"] = len(self.tasks_)
        kwargs.update(self.get_params_for("module"))
        members = [self.initialized_instance(self.module, kwargs)
                   for _ in range(self.ensemble_size)]
        self.module_ = members[0] if len(members) == 1 else SeedEnsemble(members)
        return self

    def get_params_for_optimizer(self, prefix, named_parameters):
        """skorch's optimizer arguments, with ``weight_decay`` unless
        ``optimizer__weight_decay`` is given."""
        args, kwargs = super().get_params_for_optimizer(prefix, named_parameters)
        if prefix == "optimizer" and self.weight_decay:
            kwargs.setdefault("weight_decay", self.weight_decay)
        return args, kwargs

    def initialize_criterion(self):
        """Build the loss; ``class_weight="balanced"`` sets its ``pos_weight``
        (unless ``criterion__pos_weight`` is given)."""
        kwargs = self.get_params_for("criterion")
        if getattr(self, "pos_weight_", None) is not None and "pos_weight" not in kwargs:
            kwargs["pos_weight"] = torch.as_tensor(self.pos_weight_, dtype=torch.float32)
        criterion = self.initialized_instance(self.criterion, kwargs)
        if isinstance(criterion, torch.nn.Module):
            criterion = to_device(criterion, self.device)
        self.criterion_ = criterion
        return self

    def _module_kwargs(self) -> dict:
        """The module's constructor arguments from the named hyper-parameters;
        a strand parameter's "auto" reads both strands of DNA (4 channels)
        only (:meth:`_auto_strands` says when)."""
        kwargs = {name: getattr(self, name) for name in self._module_params}
        for name in ("filter_strands", "lstm_strands"):
            if kwargs.get(name) == "auto":
                both = is_dna(self.n_features_in_) and self._auto_strands(name)
                kwargs[name] = "both" if both else "forward"
        return kwargs

    def _auto_strands(self, name: str) -> bool:
        """Whether strand parameter ``name`` set to "auto" reads both strands
        of DNA; subclasses say where it should not."""
        return True

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
        paired = (getattr(X, "both_strands", False) if isinstance(X, Dataset)
                  else self.reads_both_strands(X.shape[1]))
        split = StrandPairedSplit(self.validation_fraction, paired=paired,
                                  stratified=not self.is_multitask,
                                  random_state=self.random_seed_)
        return split(dataset, X.labels if y is None else y)

    def _check_params(self) -> None:
        validate_params(self)
        if str(self.device).startswith("cuda") and not torch.cuda.is_available():
            raise ValueError(
                f"{type(self).__name__}: device={self.device!r} was asked for, but torch sees "
                "no CUDA device on this machine; use device='cpu'."
            )

    def get_iterator(self, dataset, training: bool = False):
        """skorch's batches, shuffled in training unless
        ``iterator_train__shuffle`` says otherwise: data often come sorted
        by label (positives, then negatives) or by strand, and batches in
        that order keep a network from learning. The order is drawn from
        torch's generator, which ``random_state`` seeds."""
        if not training:
            return super().get_iterator(dataset, training=training)
        kwargs = {"shuffle": True, "batch_size": self.batch_size,
                  **self.get_params_for("iterator_train")}
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        return self.iterator_train(dataset, **kwargs)

    def train_step_single(self, batch, **fit_params):
        """skorch's training step, on a batch whose sequences ``max_shift``
        has moved by random offsets (a fresh draw every step)."""
        Xi, yi = unpack_data(batch)
        shift = self._max_shift_for(*Xi.shape[1:])
        if shift:
            batch = (random_shift(to_tensor(Xi, device=self.device), shift), yi)
        return super().train_step_single(batch, **fit_params)

    def infer(self, x, **fit_params):
        """Forward pass of one batch; logits come back in float32.

        With ``precision="bfloat16"`` the pass runs under :func:`torch.autocast`
        (convolutions and linear layers in bfloat16, weights, optimizer state
        and loss in float32; the LSTM stays in float32, see
        :class:`~sklearn_demo.recurrent.BiLSTMHead`).
        """
        with mixed_precision(self.device, self.precision):
            logits = NeuralNet.infer(self, x, **fit_params)
        if not (self.is_multitask or self._members_stacked()):
            logits = logits.reshape(-1)  # skorch's binary classifier wants (n,)
        return logits if self.precision == "float32" else logits.float()

    def _members_stacked(self) -> bool:
        """Whether the module returns one logit per ensemble member (a
        :class:`~sklearn_demo.ensemble.SeedEnsemble` in training mode)."""
        module = getattr(self.module_, "module", self.module_)  # DDP wraps it under accelerate
        return isinstance(module, SeedEnsemble) and module.training

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The criterion on this batch; for an ensemble in training, the mean
        of its members' losses, each member against the same labels."""
        y_true = to_tensor(y_true, device=self.device)
        if self._members_stacked():  # (n, members[, tasks]) against (n[, tasks])
            y_true = y_true.unsqueeze(1).expand_as(y_pred)
        return self.criterion_(y_pred, y_true)

    def _get_predict_nonlinearity(self):
        if self.predict_nonlinearity != "auto":
            return super()._get_predict_nonlinearity()
        return torch.sigmoid if self.is_multitask else _sigmoid_then_2d

    # ----------------------------------------------------------------- input

    def reads_both_strands(self, n_channels: int) -> bool:
        """Whether ``reverse_complement`` reads both strands of input with
        ``n_channels`` channels (trains on both, averages their
        probabilities): always with True (DNA, 4 channels, required), on DNA
        only with "auto"."""
        if self.reverse_complement == "auto":
            return is_dna(n_channels)
        if self.reverse_complement and not is_dna(n_channels):
            raise ValueError(
                f"reverse_complement=True needs DNA input with 4 channels, got {n_channels}."
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
        """The two class labels seen in ``fit``, in sorted order; for a
        multi-task fit, the task indices (scikit-learn's multilabel
        convention; their names are ``tasks_``)."""
        check_is_fitted(self, "label_encoder_")
        if self.is_multitask:
            return np.arange(len(self.tasks_))
        return self.label_encoder_.classes_

    def check_data(self, X, y):
        # skorch's binary classifier refuses 2-D targets; multi-task labels are (n, N)
        NeuralNet.check_data(self, X, y)

    def fit(self, X, y, **fit_params) -> "DeMoClassifier":
        """Train on ``X`` (DNA strings or one-hot (n, 4, L)) and labels ``y``.

        Parameters
        ----------
        X : sequence of str, ndarray of str, array of shape (n, 4, L), or Dataset
            A torch ``Dataset`` that streams windows with their labels
            (:class:`~sklearn_demo.genome.GenomeWindowDataset`) trains
            without holding the sequences in memory; y must then be None.
        y : array-like of shape (n,) or (n, n_tasks), or None
            Any two labels; or a multi-task 0/1 indicator matrix, one column
            per task (a DataFrame's column names become ``tasks_``), where
            NaN marks an unknown label, left out of the loss.
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
        """Class probabilities, shape (n, 2), columns in ``classes_`` order;
        for a multi-task model, each task's probability of being bound,
        shape (n, n_tasks) (scikit-learn's multilabel convention).

        ``X`` is DNA strings, a one-hot array or a torch ``Dataset`` of
        windows (a stream); every form gives the same probabilities. When the
        model reads both strands (``reverse_complement``), the positive-class
        probability is the mean over the sequence and its reverse complement.
        """
        positive = probability_of_logit(self.decision_function(X))
        return positive if self.is_multitask else np.column_stack([1 - positive, positive])

    def decision_function(self, X) -> np.ndarray:
        """The model's raw logit (log-odds) of the positive class
        ``classes_[1]``, float64, shape (n,) (multi-task: (n, n_tasks), one
        per task): never capped, so confident sequences keep their ranking
        where probabilities round to 1. When the model reads both strands,
        the log-odds of the mean of the two strands' probabilities (what
        ``predict_proba`` gives). ``X`` takes the forms ``predict_proba``
        takes."""
        check_is_fitted(self, "label_encoder_")
        if isinstance(X, Dataset):  # skorch's own validation scoring, or a stream
            n_channels, other = self.n_features_in_, ReverseComplementDataset(X)
        else:
            X = self._validate_X(X, reset=False)
            self._check_n_channels(X)
            n_channels, other = X.shape[1], None
        logit = self._logits(X)
        if not self.reads_both_strands(n_channels):
            return logit
        other = self._logits(reverse_complement(X) if other is None else other)
        return strand_mean_logit(torch.from_numpy(logit), torch.from_numpy(other)).numpy()

    def _logits(self, X: np.ndarray | Dataset) -> np.ndarray:
        """Logits of every item of ``X``, float64, one batch after another
        (skorch's ``evaluation_step``; not ``forward``, whose output skorch
        caches while it scores a validation split)."""
        iterator = self.get_iterator(self.get_dataset(X), training=False)
        parts = [self.evaluation_step(batch, training=False).detach().cpu().to(torch.float64)
                 for batch in iterator]
        logits = (torch.cat(parts) if parts else torch.zeros(0)).numpy()
        return logits if self.is_multitask else logits.ravel()

    def predict(self, X) -> np.ndarray:
        """Predicted labels from ``classes_``: positive when its probability
        exceeds ``threshold``; multi-task: a 0/1 matrix (n, n_tasks)."""
        if self.is_multitask:
            return (self.predict_proba(X) > self.threshold).astype(int)
        return self.classes_[(self.predict_proba(X)[:, 1] > self.threshold).astype(int)]

    # ----------------------------------------------------------- persistence

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.string = True
        tags.classifier_tags.multi_class = False
        tags.non_deterministic = self.random_state is None
        return tags
