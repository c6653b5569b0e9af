"""Training policy of the DeMo classifiers: their loss, their skorch
callbacks and the strand-paired validation split."""
from __future__ import annotations

import sys

import numpy as np
import torch
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
from skorch.dataset import Dataset as SkorchDataset
from skorch.dataset import ValidSplit
from skorch.utils import Ansi, noop
from sklearn.model_selection import train_test_split
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts, ReduceLROnPlateau, StepLR
from torch.utils.data import Dataset, Subset

from .encoding import reverse_complement
from .metrics import mean_auc
from .strands import probability_of_logit, strand_mean_logit


class MaskedBCEWithLogitsLoss:
    """Binary cross-entropy on logits that skips unknown (NaN) labels.

    The mean is over the known labels only, so a task missing for some
    sequences neither pulls their logits towards 0 or 1 nor dilutes the
    others. Without NaN it equals :class:`torch.nn.BCEWithLogitsLoss`.

    A plain callable rather than a torch ``Module``: it holds no parameters,
    and Hugging Face accelerate wraps every module it is given in
    ``DistributedDataParallel`` on CPUs, which refuses one without any.

    Parameters
    ----------
    pos_weight : tensor of shape (n_tasks,) or None, default=None
        Weight of the positive labels of each task (rare tasks: the ratio
        of negatives to positives, ``class_weight="balanced"``).

    Examples
    --------
    >>> loss = MaskedBCEWithLogitsLoss()
    >>> logits, labels = torch.zeros(2, 2), torch.tensor([[1.0, float("nan")], [0.0, 1.0]])
    >>> round(float(loss(logits, labels)), 4)  # log 2, from the three known labels
    0.6931
    """

    def __init__(self, pos_weight: torch.Tensor | None = None):
        self.pos_weight = (None if pos_weight is None
                           else torch.as_tensor(pos_weight, dtype=torch.float32))

    def __call__(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        known = ~torch.isnan(target)
        pos_weight = None if self.pos_weight is None else self.pos_weight.to(logits.device)
        losses = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, torch.where(known, target, 0.0), pos_weight=pos_weight, reduction="none")
        return (losses * known).sum() / known.sum().clamp(min=1)


def validation_auc(net: NeuralNet, X: Dataset, y: np.ndarray) -> float:
    """ROC AUC of ``net`` on a validation split (an ``EpochScoring`` scorer),
    the mean over tasks for a multi-task net; NaN when no task holds both
    classes: the AUC of what ``predict_proba`` gives.

    The forward pass is skorch's, cached from the validation loss. A model
    that reads both strands holds a sequence and its reverse complement on
    the same side of the split (:class:`StrandPairedSplit`): each pair is
    scored once, by the log-odds of its two strands' mean probability, with
    no further pass; a split of another kind gets the reverse strands' pass.
    """
    if not isinstance(X, Dataset):  # skorch hands arrays over already encoded
        X = SkorchDataset(X, None)
    y = np.asarray(y)
    logits = net.forward(X, training=False).detach().cpu().to(torch.float64).numpy()
    if not net.is_multitask:
        logits = logits.ravel()
    if net.reads_both_strands(net.n_features_in_):
        pairs = _strand_pairs(X)
        if pairs is None:
            other = net._logits(ReverseComplementDataset(X))
            logits = strand_mean_logit(torch.from_numpy(logits), torch.from_numpy(other)).numpy()
        else:
            first, second = pairs
            logits = strand_mean_logit(torch.from_numpy(logits[first]),
                                       torch.from_numpy(logits[second])).numpy()
            y = y[first]
    return mean_auc(y, probability_of_logit(logits))


def _strand_pairs(X: Dataset) -> tuple[np.ndarray, np.ndarray] | None:
    """The positions in ``X`` of each sequence and of its reverse complement,
    for a split of a both-strands dataset (item ``i`` and ``i + n`` of 2n);
    None when ``X`` is not one or a sequence lacks its partner."""
    if not isinstance(X, Subset) or len(X.dataset) % 2:
        return None
    base = np.asarray(X.indices) % (len(X.dataset) // 2)
    order = np.argsort(base, kind="stable")
    ordered = base[order]
    if len(order) % 2 or not np.array_equal(ordered[0::2], ordered[1::2]):
        return None
    return order[0::2], order[1::2]


def default_callbacks(
    *,
    verbose: int,
    validating: bool,
    clip_norm: float | None,
    lr_schedule: str,
    lr_step: int | None,
    lr_decay: float,
    patience: int | None,
    ema_decay: float | None = None,
) -> list[tuple[str, Callback]]:
    """The classifiers' skorch callbacks, in order.

    Timing and training loss always; validation loss and AUC when a
    validation split is made; gradient-norm clipping at ``clip_norm``; the
    learning-rate schedule of :func:`lr_scheduler`; early stopping
    on the validation loss after ``patience`` epochs without improvement,
    restoring the best epoch; the moving average of the weights
    (:class:`WeightAveraging`) at ``ema_decay``; a progress bar on a
    terminal; the epoch table. A None switches its callback off.

    Examples
    --------
    >>> [name for name, _ in default_callbacks(verbose=0, validating=True, clip_norm=5.0,
    ...                                        lr_schedule="step", lr_step=None, lr_decay=0.5,
    ...                                        patience=10, ema_decay=0.999)]
    ['epoch_timer', 'train_loss', 'valid_loss', 'valid_auc', 'gradient_clipping', \
'early_stopping', 'weight_averaging', 'print_log']
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
        callbacks.append(("gradient_clipping", MemberGradientClipping(gradient_clip_value=clip_norm)))
    if lr_step is not None:
        callbacks.append(("lr_scheduler", lr_scheduler(lr_schedule, lr_step, lr_decay)))
    if validating and patience is not None:
        callbacks.append(("early_stopping", ValidatedEarlyStopping(
            monitor="valid_loss", patience=patience, load_best=True,
            sink=print if verbose else noop)))
    if ema_decay is not None:
        callbacks.append(("weight_averaging", WeightAveraging(ema_decay)))
    if verbose and sys.stderr.isatty():
        callbacks.append(("progress_bar", ProgressBar()))
    callbacks.append(("print_log", PlainPrintLog()))
    return callbacks


LR_SCHEDULES = ("step", "plateau", "cosine")


def watched_loss(net: NeuralNet) -> float:
    """The last epoch's validation loss, or its training loss in a fit that
    made no validation split (``net.validating_`` False, decided from the
    data): what the "plateau" schedule watches."""
    return net.history[-1, "valid_loss" if getattr(net, "validating_", True) else "train_loss"]


def lr_scheduler(schedule: str, step: int, decay: float) -> LRScheduler:
    """skorch callback of a learning-rate schedule, stepped once per epoch.

    - "step": the rate times ``decay`` every ``step`` epochs (DeMo's halving
      every 10).
    - "plateau": the rate times ``decay`` once the validation loss (the
      training loss without a validation split) has not improved for
      ``step`` epochs (:class:`torch.optim.lr_scheduler.ReduceLROnPlateau`,
      on :func:`watched_loss`):
      decays when learning stalls rather than on a clock.
    - "cosine": the rate falls along a half cosine to 0 over ``step``
      epochs, then restarts at its initial value (SGDR, Loshchilov & Hutter
      2017; ``decay`` is unused): each cycle ends at a low rate, the epochs
      early stopping tends to keep.

    Examples
    --------
    >>> lr_scheduler("plateau", 3, 0.5).kwargs
    {'factor': 0.5, 'patience': 3}
    """
    if schedule == "step":
        return LRScheduler(policy=StepLR, step_size=step, gamma=decay)
    if schedule == "plateau":
        return LRScheduler(policy=ReduceLROnPlateau, factor=decay, patience=step,
                           monitor=watched_loss)
    if schedule == "cosine":
        return LRScheduler(policy=CosineAnnealingWarmRestarts, T_0=step)
    raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, got {schedule!r}.")


class MemberGradientClipping(GradientNormClipping):
    """skorch's gradient-norm clipping, applied to each member of a seed
    ensemble on its own, so a member is clipped as it would be alone (the
    loss is the mean over members: each member's gradient is its own
    divided by their number, and so is its threshold)."""

    def on_grad_computed(self, net, named_parameters, **kwargs):
        members = getattr(getattr(net.module_, "module", net.module_), "members", None)
        if members is None or self.gradient_clip_value is None:
            return super().on_grad_computed(net, named_parameters, **kwargs)
        for member in members:
            torch.nn.utils.clip_grad_norm_(
                member.parameters(), max_norm=self.gradient_clip_value / len(members),
                norm_type=self.gradient_clip_norm_type)


class WeightAveraging(Callback):
    """An exponential moving average of the network's weights, updated after
    every training step; validation, early stopping and the fitted network
    use the average, training steps the raw weights.

    The average after step ``t`` is ``a = d a + (1 - d) w`` with
    ``d = min(decay, (1 + t) / (10 + t))``: the lower decay of the first
    steps (TensorFlow's ``ExponentialMovingAverage`` with ``num_updates``)
    keeps a short fit from averaging in its random initial weights. The
    average smooths the noise of the last few hundred steps (about
    ``1 / (1 - decay)``), as an ensemble of nearby checkpoints would at the
    cost of one copy of the weights (Polyak & Juditsky 1992; Izmailov et al.
    2018).

    The network holds the average from its epoch's first validation batch
    to the next epoch's start, so every epoch-end callback (scoring, the
    schedule, early stopping keeping the best weights) sees the average.

    Examples
    --------
    >>> WeightAveraging(0.999).decay
    0.999
    """

    def __init__(self, decay: float):
        self.decay = decay

    def on_train_begin(self, net, **kwargs):
        self.average_ = [p.detach().clone() for p in net.module_.parameters()]
        self.steps_, self.raw_ = 0, None

    def on_epoch_begin(self, net, **kwargs):
        if self.raw_ is not None:  # the last epoch validated the average: train the raw weights
            self._swap(net, self.raw_)
            self.raw_ = None

    def on_batch_begin(self, net, training, **kwargs):
        if not training and self.raw_ is None:  # the epoch's first validation batch
            self.raw_ = self._swap(net, self.average_)

    def on_batch_end(self, net, training, **kwargs):
        if not training:
            return
        self.steps_ += 1
        decay = min(self.decay, (1 + self.steps_) / (10 + self.steps_))
        with torch.no_grad():
            for average, weight in zip(self.average_, net.module_.parameters()):
                average.lerp_(weight.detach(), 1 - decay)

    def on_train_end(self, net, **kwargs):
        # With validation the network holds the average the last epoch
        # validated (or early stopping's best one); without, load it now.
        if not getattr(net, "validating_", True):
            self._swap(net, self.average_)
        self.average_ = self.raw_ = None  # a fitted net does not pickle a second copy

    @staticmethod
    def _swap(net, weights: list[torch.Tensor]) -> list[torch.Tensor]:
        """Load ``weights`` into the network; return the weights it had."""
        previous = []
        with torch.no_grad():
            for parameter, value in zip(net.module_.parameters(), weights):
                previous.append(parameter.detach().clone())
                parameter.copy_(value)
        return previous


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
    stratified : bool, default=True
        Stratify by the labels (single-task ones); a multi-task label matrix
        is split at random.
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

    def __init__(self, fraction: float, *, paired: bool = False, stratified: bool = True,
                 random_state: int | None = None):
        self.fraction = fraction
        self.paired = paired
        self.stratified = stratified
        self.random_state = random_state

    def __call__(self, dataset: Dataset, y: object = None, groups: object = None):
        if not self.paired:
            return ValidSplit(self.fraction, stratified=self.stratified,
                              random_state=self.random_state)(dataset, y, groups)
        n = len(dataset) // 2
        train, valid = train_test_split(np.arange(n), test_size=self.fraction,
                                        stratify=np.asarray(y)[:n] if self.stratified else None,
                                        random_state=self.random_state)
        return (Subset(dataset, np.concatenate([train, train + n])),
                Subset(dataset, np.concatenate([valid, valid + n])))

    def __repr__(self) -> str:
        return (f"StrandPairedSplit({self.fraction!r}, paired={self.paired!r}, "
                f"stratified={self.stratified!r}, random_state={self.random_state!r})")


def random_shift(x: torch.Tensor, max_shift: int) -> torch.Tensor:
    """Move each sequence of a ``(n, channels, L)`` batch by its own random
    offset of at most ``max_shift`` positions, left or right, keeping the
    length; positions moved in read as an unknown letter (``1 / channels``
    in every channel, N for DNA). Offsets come from torch's generator.

    Examples
    --------
    >>> x = torch.eye(4)[None].expand(3, 4, 4)  # ACGT three times
    >>> _ = torch.manual_seed(2)
    >>> shifted = random_shift(x, 2)
    >>> ["".join("ACGT"[c.argmax()] if c.max() == 1 else "N" for c in row.T) for row in shifted]
    ['NACG', 'ACGT', 'CGTN']
    """
    n, channels, length = x.shape
    offsets = torch.randint(-max_shift, max_shift + 1, (n, 1), device=x.device)
    source = torch.arange(length, device=x.device) - offsets  # (n, L): where each position reads from
    inside = ((source >= 0) & (source < length)).unsqueeze(1)
    moved = x.gather(2, source.clamp(0, length - 1).unsqueeze(1).expand(n, channels, length))
    return torch.where(inside, moved, torch.full_like(moved, 1 / channels))


class ReverseComplementDataset(Dataset):
    """A dataset of one-hot windows read on the other strand: item ``i`` is
    the reverse complement of item ``i`` of ``dataset``, with its label.

    What the classifiers score as a sequence's second strand, for a dataset
    that streams its windows.

    Examples
    --------
    >>> from skorch.dataset import Dataset as ArrayDataset
    >>> X = np.eye(4, dtype="float32")[None][:, :, [0, 0, 1, 2]]  # AACG
    >>> ReverseComplementDataset(ArrayDataset(X, np.array([1.0])))[0][0].argmax(0).tolist()
    [1, 2, 3, 3]
    """

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int):
        x, y = self.dataset[index]
        return reverse_complement(x), y


class BothStrandsDataset(Dataset):
    """A dataset of one-hot windows followed by their reverse complements:
    item ``i + n`` is item ``i`` read on the other strand, with the same
    label, as :class:`StrandPairedSplit` with ``paired=True`` expects.

    What the classifiers' ``reverse_complement`` does to arrays (concatenate
    both strands), for a dataset that streams its windows.

    Examples
    --------
    >>> from skorch.dataset import Dataset as ArrayDataset
    >>> X = np.eye(4, dtype="float32")[None][:, :, [0, 0, 1, 2]]  # AACG
    >>> both = BothStrandsDataset(ArrayDataset(X, np.array([1.0])))
    >>> len(both), both[1][0].argmax(0).tolist()  # CGTT
    (2, [1, 2, 3, 3])
    """

    both_strands = True

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    def __len__(self) -> int:
        return 2 * len(self.dataset)

    def __getitem__(self, index: int):
        n = len(self.dataset)
        x, y = self.dataset[index % n]
        if index >= n:
            x = reverse_complement(x)
        return x, y

    @property
    def labels(self) -> np.ndarray:
        labels = np.asarray(self.dataset.labels)
        return np.concatenate([labels, labels])
