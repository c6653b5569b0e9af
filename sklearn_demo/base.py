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
from skorch import NeuralNet, NeuralNetBinaryClassifier
from skorch.dataset import unpack_data
from skorch.utils import _sigmoid_then_2d, to_device, to_tensor
from torch.utils.data import Dataset

from ._validation import (
    POS_LABEL, Interval, NonEmptyTupleOf, Options, check_binary_labels, check_task_labels,
    is_task_matrix, validate_params,
)
from .encoding import (
    ALPHABET, PADDING_MODES, check_dna, check_values, holds_text, is_sequence_collection,
    reverse_complement,
)
from .ensemble import SeedEnsemble
from .labels import resolve_pos_label
from .precision import PRECISIONS, mixed_precision
from .training import (
    LR_SCHEDULES, BothStrandsDataset, MaskedBCEWithLogitsLoss, ReverseComplementDataset,
    StrandPairedSplit,
    default_callbacks, random_shift,
)

__all__ = ["DeMoClassifier", "strand_mean_logit"]

#: With ``early_stopping="auto"``, the fewest sequences of each class the
#: validation split must expect to hold for the classifiers to make one.
MIN_VALIDATION_PER_CLASS = 10

#: The largest shift of ``max_shift="auto"`` on DNA, in positions: Enformer's
#: and Basenji's (a motif moves by less than a pooling window of 4).
AUTO_MAX_SHIFT = 3

#: Rows of a streamed dataset's label matrix validated at a time.
LABEL_BLOCK = 100_000

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
                both = _is_dna(self.n_features_in_) and self._auto_strands(name)
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
        if (reset and is_task_matrix(y)) or (not reset and self.is_multitask):
            return self._validate_task_labels(y, reset=reset, n_samples=n_samples)
        if reset and hasattr(self, "tasks_"):
            del self.tasks_
        y, labels = check_binary_labels(y, owner=type(self).__name__, n_samples=n_samples,
                                        classes=classes if reset else self.classes_)
        if reset:
            self.label_encoder_ = LabelEncoder().fit(labels)
            self.pos_label_ = resolve_pos_label(self.label_encoder_.classes_, self.pos_label,
                                                owner=type(self).__name__)
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(f"y contains labels {unknown.tolist()} not in classes {self.classes_.tolist()}.")
        return self.label_encoder_.transform(y).astype(np.float32)

    def _validate_task_labels(self, y: object, *, reset: bool, n_samples: int) -> np.ndarray:
        """A multi-task (n, N) label matrix: 0, 1 or NaN (masked); on reset,
        ``tasks_`` from ``task_names``, a DataFrame's columns, or task_0..."""
        name = type(self).__name__
        labels, columns = check_task_labels(y, owner=name, n_samples=n_samples)
        n_tasks = labels.shape[1]
        if not reset:
            if n_tasks != len(self.tasks_):
                raise ValueError(f"y has {n_tasks} tasks, but {name} was fitted on "
                                 f"{len(self.tasks_)}: {list(self.tasks_)}.")
            return labels
        names = self.task_names or columns or [f"task_{i}" for i in range(n_tasks)]
        if len(names) != n_tasks:
            raise ValueError(f"{name}: task_names has {len(names)} names but y has "
                             f"{n_tasks} tasks (columns).")
        if len(set(names)) != n_tasks:
            raise ValueError(f"{name}: task names must be unique; got {list(names)}.")
        self.tasks_ = np.array(names, dtype=object)
        self.label_encoder_ = LabelEncoder().fit([0, 1])
        self.pos_label_ = 1
        return labels

    @property
    def is_multitask(self) -> bool:
        """Whether the fitted network has one output per task (``tasks_``)."""
        return hasattr(self, "tasks_")

    def task_index(self, target: object) -> int:
        """The output column of ``target``, a task name or index.

        Raises ``ValueError`` listing the tasks when ``target`` is None or
        unknown; a single-task model takes None (or 0).

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_demo import CNNClassifier
        >>> X, y = ["ACGTACGTAC"] * 4, np.array([[0, 1], [1, 0], [0, 1], [1, 0]])
        >>> clf = CNNClassifier(n_filters=2, max_epochs=1, verbose=0, task_names=["ctcf", "dnase"])
        >>> clf.fit(X, y).task_index("dnase")
        1
        """
        check_is_fitted(self, "label_encoder_")
        if not self.is_multitask:
            if target not in (None, 0):
                raise ValueError(f"target={target!r}: this {type(self).__name__} has one task; "
                                 "leave target=None.")
            return 0
        tasks = list(self.tasks_)
        if target is None:
            raise ValueError(f"this {type(self).__name__} is multi-task; pass target= one of its "
                             f"{len(tasks)} tasks (name or index): {tasks}.")
        if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
            if -len(tasks) <= target < len(tasks):
                return int(target) % len(tasks)
        elif target in tasks:
            return tasks.index(target)
        raise ValueError(f"target={target!r} is not a task of this {type(self).__name__}; "
                         f"its tasks: {tasks} (or their indices 0..{len(tasks) - 1}).")

    def task_classifier(self, target: object) -> DeMoClassifier:
        """A fitted single-task classifier for one task of a multi-task one:
        the same network with only that task's output, so every explainer,
        variant scorer and the dashboard read it as any binary model. A
        single-task classifier returns itself.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_demo import CNNClassifier
        >>> X, y = ["ACGTACGTAC"] * 4, np.array([[0, 1], [1, 0], [0, 1], [1, 0]])
        >>> clf = CNNClassifier(n_filters=2, max_epochs=1, verbose=0).fit(X, y)
        >>> one = clf.task_classifier("task_1")
        >>> bool(np.allclose(one.predict_proba(X)[:, 1], clf.predict_proba(X)[:, 1]))
        True
        """
        index = self.task_index(target)
        if not self.is_multitask:
            return self
        state = self.fitted_state()
        state["params"]["task_names"] = None
        state["tasks"] = None
        for key in self._output_keys():
            state["state_dict"][key] = state["state_dict"][key][index:index + 1]
        return type(self).from_fitted_state(state, device=self.device)

    def _output_keys(self) -> list[str]:
        """State-dict keys of the output layer (one row per task)."""
        names = [name for name, sub in self.module_.named_modules()
                 if name.split(".")[-1] == "output" and isinstance(sub, torch.nn.Linear)]
        expected = self.ensemble_size  # one per ensemble member
        if len(names) != expected:
            raise TypeError(f"{type(self.module_).__name__} has no single linear layer named "
                            "'output' per network to take one task's row from.")
        return [f"{name}.{part}" for name in names for part in ("weight", "bias")]

    def _prepare_fit(self, X, y, *, reset: bool, classes: object = None):
        self._check_params()
        if isinstance(X, Dataset):
            return self._prepare_stream(X, y, reset=reset)
        X_enc = self._validate_X(X, reset=reset)
        y_enc = self._validate_y(y, reset=reset, n_samples=len(X_enc), classes=classes)
        self._check_max_shift(X_enc.shape[2])
        if reset:
            self.input_width_ = int(X_enc.shape[2])
            self._learn_label_statistics(*_label_counts(y_enc))
        if self.reads_both_strands(X_enc.shape[1]):
            X_enc = np.concatenate([X_enc, reverse_complement(X_enc)])
            y_enc = np.concatenate([y_enc, y_enc])
        return X_enc, y_enc

    def _max_shift_for(self, n_channels: int, length: int) -> int:
        """``max_shift`` for input of this shape: "auto" shifts DNA (4
        channels) longer than ``AUTO_MAX_SHIFT`` by up to that much, and
        nothing else."""
        if self.max_shift == "auto":
            return AUTO_MAX_SHIFT if _is_dna(n_channels) and length > AUTO_MAX_SHIFT else 0
        return self.max_shift

    def _check_max_shift(self, length: int) -> None:
        if self.max_shift != "auto" and self.max_shift >= length:
            raise ValueError(
                f"{type(self).__name__}: max_shift={self.max_shift} would move sequences of "
                f"length {length} out of their window; use max_shift < {length} (0 for "
                "numeric rows).")

    def _prepare_stream(self, dataset: Dataset, y: object, *, reset: bool):
        """Check a dataset that streams one-hot windows and its ``labels``
        (a :class:`~sklearn_demo.genome.GenomeWindowDataset`); with both
        strands, wrap it so that the second half reads reverse complements."""
        name = type(self).__name__
        if y is not None or not hasattr(dataset, "labels") or not hasattr(dataset, "width"):
            raise ValueError(
                f"{name}.fit takes a torch Dataset only with y=None and the labels on the "
                "dataset (its .labels and .width, as sklearn_demo.genome.GenomeWindowDataset "
                f"has); got {type(dataset).__name__} with y={'None' if y is None else 'given'}.")
        if reset:
            self.n_features_in_ = 4
        labels = dataset.labels
        if is_task_matrix(labels) or (not reset and self.is_multitask):
            counts = self._count_stream_labels(labels, reset=reset, n_samples=len(dataset))
        else:
            counts = _label_counts(self._validate_y(labels, reset=reset,
                                                    n_samples=len(dataset)))
        tasks = getattr(dataset, "tasks", None)
        if reset and self.is_multitask and self.task_names is None and tasks is not None:
            if len(tasks) != len(self.tasks_):
                raise ValueError(f"{name}: the dataset names {len(tasks)} tasks but its labels "
                                 f"have {len(self.tasks_)} columns.")
            self.tasks_ = np.array(list(tasks), dtype=object)
        if not self.is_multitask and not np.isin(self.classes_, [0, 1]).all():
            raise ValueError(f"{name}: a streamed dataset's single-task labels must be 0 and 1; "
                             f"got {self.classes_.tolist()}.")
        self._check_max_shift(int(dataset.width))
        if reset:
            self.input_width_ = int(dataset.width)
            self._learn_label_statistics(*counts)
        if self.reads_both_strands(self.n_features_in_):
            dataset = BothStrandsDataset(dataset)
        return dataset, None

    def _count_stream_labels(self, labels: object, *, reset: bool,
                             n_samples: int) -> tuple[np.ndarray, np.ndarray, int]:
        """Validate a streamed dataset's label matrix a block of rows at a time
        (no float copy of a matrix that may be larger than memory) and count
        each task's positives and negatives."""
        positives = negatives = 0
        block = LABEL_BLOCK
        for start in range(0, len(labels), block):
            part = self._validate_task_labels(labels[start:start + block],
                                              reset=reset and start == 0, n_samples=None)
            positives = positives + np.nansum(part, axis=0)
            negatives = negatives + np.sum(part == 0, axis=0)
        if len(labels) != n_samples:
            raise ValueError(f"the dataset has {n_samples} windows but {len(labels)} rows of "
                             "labels.")
        return positives, negatives, n_samples

    def _learn_label_statistics(self, positives: np.ndarray, negatives: np.ndarray,
                                n_rows: int) -> None:
        """``validating_`` and, with ``class_weight``, ``pos_weight_``, from
        each task's counts of positive and negative (known) labels."""
        self.validating_ = self._decide_validation(positives, negatives, n_rows)
        self.pos_weight_ = None
        if isinstance(self.class_weight, dict):
            if self.is_multitask:
                raise ValueError(f"{type(self).__name__}: class_weight as a dict is for one task "
                                 "({label: weight}); use 'balanced' for multi-task labels.")
            missing = [c for c in self.classes_.tolist() if c not in self.class_weight]
            if missing:
                raise ValueError(f"{type(self).__name__}: class_weight has no weight for "
                                 f"classes {missing}.")
            negative, positive = (self.class_weight[c] for c in self.classes_.tolist())
            self.pos_weight_ = np.array([positive / negative], dtype=np.float32)
        elif self.class_weight == "balanced":
            self.pos_weight_ = (negatives / np.maximum(positives, 1)).astype(np.float32)

    def _may_validate(self) -> bool:
        """Whether the parameters allow a validation split: skorch's own
        ``train_split`` when one is given, else a ``validation_fraction``
        with early stopping not switched off. The callbacks are built from
        this (before the data are seen); :meth:`_decide_validation` then
        settles it from the data."""
        if not isinstance(self.train_split, str):
            return self.train_split is not None
        return bool(self.validation_fraction) and self.early_stopping is not False

    def _decide_validation(self, positives: np.ndarray, negatives: np.ndarray,
                           n_rows: int) -> bool:
        """Whether this fit holds out a validation split (and stops early).

        ``early_stopping="auto"`` validates when the split would hold at
        least ``MIN_VALIDATION_PER_CLASS`` sequences of each class, and says
        so when it does not; ``True`` needs at least one of each.
        """
        if not self._may_validate():
            return False
        if not isinstance(self.train_split, str):  # skorch's own split
            return True
        name = type(self).__name__
        if self.is_multitask:  # split at random: count sequences
            smaller, what = n_rows, "sequences"
        else:
            smaller, what = int(min(positives[0], negatives[0])), "sequences of the smaller class"
        expected = smaller * self.validation_fraction
        if self.early_stopping == "auto" and expected < MIN_VALIDATION_PER_CLASS:
            if self.verbose:
                print(f"{name}: no validation split: validation_fraction="
                      f"{self.validation_fraction} of the {smaller} {what} would hold "
                      f"{expected:.1f}, fewer than {MIN_VALIDATION_PER_CLASS} "
                      f"(early_stopping='auto'); training on all {n_rows} for "
                      f"max_epochs={self.max_epochs} epochs without early stopping.")
            return False
        if expected < 1:
            raise ValueError(
                f"{name}: validation_fraction={self.validation_fraction} of the {smaller} "
                f"{what} holds none of them, and early_stopping=True needs both classes in "
                "the validation split; give more data, a larger validation_fraction, or "
                "early_stopping='auto' or False.")
        return True

    def reads_both_strands(self, n_channels: int) -> bool:
        """Whether ``reverse_complement`` reads both strands of input with
        ``n_channels`` channels (trains on both, averages their
        probabilities): always with True (DNA, 4 channels, required), on DNA
        only with "auto"."""
        if self.reverse_complement == "auto":
            return _is_dna(n_channels)
        if self.reverse_complement and not _is_dna(n_channels):
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
        positive = _sigmoid(self.decision_function(X))
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
        logits = self.forward(X, training=False).detach().cpu().numpy().astype(np.float64)
        return logits if self.is_multitask else logits.ravel()

    def predict(self, X) -> np.ndarray:
        """Predicted labels from ``classes_``: positive when its probability
        exceeds ``threshold``; multi-task: a 0/1 matrix (n, n_tasks)."""
        if self.is_multitask:
            return (self.predict_proba(X) > self.threshold).astype(int)
        return self.classes_[(self.predict_proba(X)[:, 1] > self.threshold).astype(int)]

    # ----------------------------------------------------------- persistence
    #: Parameters that are code or run-time objects, not hyper-parameters:
    #: :meth:`fitted_state` leaves them out and a restored estimator takes its
    #: class defaults for them.
    _NOT_SAVED = frozenset({
        "module", "criterion", "optimizer", "iterator_train", "iterator_valid", "dataset",
        "train_split", "callbacks", "predict_nonlinearity", "_params_to_validate",
        "torch_load_kwargs", "accelerator"})

    def fitted_state(self) -> dict:
        """The fitted network as plain data: its hyper-parameters (JSON-able),
        ``classes``, ``n_features_in``, ``input_width``, ``tasks`` (None for a
        single-task model) and the module's
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
            if isinstance(value, np.generic):  # a numpy label as pos_label
                value = value.item()
            json.dumps(value)  # raises TypeError for anything that is not plain data
            params[key] = value
        return {
            "params": params,
            "classes": self.label_encoder_.classes_.tolist(),
            "n_features_in": int(self.n_features_in_),
            "input_width": getattr(self, "input_width_", None),
            "tasks": self.tasks_.tolist() if self.is_multitask else None,
            "state_dict": {k: v.detach().cpu() for k, v in self.module_.state_dict().items()},
        }

    @classmethod
    def from_fitted_state(cls, state: dict, *, device: str = "cpu") -> DeMoClassifier:
        """A fitted estimator of this class from :meth:`fitted_state`'s data,
        on ``device``; ``input_width`` and ``tasks`` may be missing (None:
        unknown width; one task).

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
        if state.get("tasks"):
            estimator.tasks_ = np.array(state["tasks"], dtype=object)
        estimator.label_encoder_ = LabelEncoder().fit(np.array(state["classes"]))
        # files saved before pos_label existed keep classes_[1] for other pairs
        estimator.pos_label_ = (1 if estimator.is_multitask else resolve_pos_label(
            estimator.label_encoder_.classes_, params.get("pos_label"), owner=cls.__name__,
            strict=False))
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


def _is_dna(n_channels: int) -> bool:
    """Whether input of ``n_channels`` channels is one-hot DNA, the input
    every "auto" strand and shift setting is for."""
    return n_channels == len(ALPHABET)


def _label_counts(y_enc: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Positive and negative (known) labels per task of encoded labels
    (n,) or (n, n_tasks), and the number of rows."""
    labels = y_enc.reshape(len(y_enc), -1)
    return np.nansum(labels, axis=0), np.sum(labels == 0, axis=0), len(y_enc)


def _sigmoid(logit: np.ndarray) -> np.ndarray:
    """The logistic function in float64, without overflow at any logit."""
    return np.exp(-np.logaddexp(0.0, -logit))


def strand_mean_logit(forward: torch.Tensor, reverse: torch.Tensor) -> torch.Tensor:
    """The log-odds of the mean of two probabilities given by their logits
    (a sequence's two strands): log(p1 + p2) - log(q1 + q2), with
    log p = -softplus(-z) and log q = -softplus(z), exact at any logit.

    Examples
    --------
    >>> z = strand_mean_logit(torch.tensor([0.0, 40.0]), torch.tensor([2.0, 50.0]))
    >>> torch.sigmoid(z[0]).item() == (0.5 + torch.sigmoid(torch.tensor(2.0)).item()) / 2
    True
    >>> bool(z[1] > 40)
    True
    """
    softplus = torch.nn.functional.softplus
    return (torch.logaddexp(-softplus(-forward), -softplus(-reverse))
            - torch.logaddexp(-softplus(forward), -softplus(reverse)))
