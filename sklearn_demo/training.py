"""Training policy of the DeMo classifiers: their skorch callbacks and the
strand-paired validation split."""
from __future__ import annotations

import sys

import numpy as np
from skorch import NeuralNet
from skorch.callbacks import (
    Callback,
    EarlyStopping,
    EpochScoring,
    EpochTimer,
    GradientNormClipping,
    LRScheduler,
    PassthroughScoring,
    PrintLog,
    ProgressBar,
)
from skorch.dataset import ValidSplit
from skorch.utils import Ansi, noop
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import Dataset, Subset


def validation_auc(net: NeuralNet, X: Dataset, y: np.ndarray) -> float:
    """ROC AUC of ``net`` on a validation split (an ``EpochScoring`` scorer);
    NaN when the split holds one class."""
    if len(np.unique(y)) < 2:
        return float("nan")
    return roc_auc_score(y, net.predict_proba(X)[:, 1])


def default_callbacks(
    *,
    verbose: int,
    validating: bool,
    clip_norm: float | None,
    lr_step: int | None,
    lr_decay: float,
    patience: int | None,
) -> list[tuple[str, Callback]]:
    """The classifiers' skorch callbacks, in order.

    Timing and training loss always; validation loss and AUC when a
    validation split is made; gradient-norm clipping at ``clip_norm``; the
    learning rate times ``lr_decay`` every ``lr_step`` epochs; early stopping
    on the validation loss after ``patience`` epochs without improvement,
    restoring the best epoch; a progress bar on a terminal; the epoch table.
    A None switches its callback off.

    Examples
    --------
    >>> [name for name, _ in default_callbacks(verbose=0, validating=True, clip_norm=5.0,
    ...                                        lr_step=None, lr_decay=0.5, patience=10)]
    ['epoch_timer', 'train_loss', 'valid_loss', 'valid_auc', 'gradient_clipping', \
'early_stopping', 'print_log']
    """
    callbacks = [
        ("epoch_timer", EpochTimer()),
        ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
    ]
    if validating:
        callbacks += [
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            ("valid_auc", EpochScoring(validation_auc, name="valid_auc", lower_is_better=False)),
        ]
    if clip_norm is not None:
        callbacks.append(("gradient_clipping", GradientNormClipping(gradient_clip_value=clip_norm)))
    if lr_step is not None:
        callbacks.append(("lr_scheduler", LRScheduler(policy=StepLR, step_size=lr_step,
                                                      gamma=lr_decay)))
    if validating and patience is not None:
        callbacks.append(("early_stopping", ValidatedEarlyStopping(
            monitor="valid_loss", patience=patience, load_best=True,
            sink=print if verbose else noop)))
    if verbose and sys.stderr.isatty():
        callbacks.append(("progress_bar", ProgressBar()))
    callbacks.append(("print_log", PlainPrintLog()))
    return callbacks


class PlainPrintLog(PrintLog):
    """skorch's epoch table, with its colour codes (best values) only when
    standard output is a terminal, so log files stay plain text."""

    def format_row(self, row, key, color):
        text = super().format_row(row, key, color)
        if sys.stdout.isatty() or not isinstance(text, str):
            return text
        return text.replace(color, "").replace(Ansi.ENDC.value, "")


class ValidatedEarlyStopping(EarlyStopping):
    """skorch's ``EarlyStopping``, idle in a fit that made no validation split
    (``net.validating_`` False, e.g. too little data for one with
    ``early_stopping="auto"``): the callbacks, and so ``get_params``, stay the
    same whatever the data."""

    def on_epoch_end(self, net, **kwargs):
        if getattr(net, "validating_", True):
            super().on_epoch_end(net, **kwargs)

    def on_train_end(self, net, **kwargs):
        if getattr(net, "validating_", True):
            super().on_train_end(net, **kwargs)


class StrandPairedSplit:
    """A skorch ``train_split``: a stratified, seeded validation split that
    keeps a sequence and its reverse complement on the same side.

    With ``paired=True`` the second half of the dataset must be the reverse
    complement of the first (as the classifiers build it with
    ``reverse_complement=True``); validation then never scores a strand
    whose partner was trained on.

    Parameters
    ----------
    fraction : float
        Share of the sequences (of the pairs, when paired) held out.
    paired : bool, default=False
    random_state : int or None, default=None

    Examples
    --------
    >>> from skorch.dataset import Dataset
    >>> X, y = np.zeros((20, 4, 5), dtype="float32"), np.tile([0, 1], 10)
    >>> data = Dataset(np.concatenate([X, X]), np.concatenate([y, y]))
    >>> train, valid = StrandPairedSplit(0.2, paired=True, random_state=0)(data, data.y)
    >>> sorted(i % 20 for i in valid.indices) == sorted(2 * [i % 20 for i in valid.indices[:4]])
    True
    """

    def __init__(self, fraction: float, *, paired: bool = False,
                 random_state: int | None = None):
        self.fraction = fraction
        self.paired = paired
        self.random_state = random_state

    def __call__(self, dataset: Dataset, y: object = None, groups: object = None):
        if not self.paired:
            return ValidSplit(self.fraction, stratified=True,
                              random_state=self.random_state)(dataset, y, groups)
        n = len(dataset) // 2
        train, valid = train_test_split(np.arange(n), test_size=self.fraction,
                                        stratify=np.asarray(y)[:n],
                                        random_state=self.random_state)
        return (Subset(dataset, np.concatenate([train, train + n])),
                Subset(dataset, np.concatenate([valid, valid + n])))

    def __repr__(self) -> str:
        return (f"StrandPairedSplit({self.fraction!r}, paired={self.paired!r}, "
                f"random_state={self.random_state!r})")
