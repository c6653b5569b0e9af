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
  Adam at 3e-3; batches of 32 and 128 LSTM units for the RNN, batches of 64,
  conv maps pooled by 4 and two networks averaged for the CNN-RNN), because
  DeMo's recipe does not learn there: see
  :class:`RNNClassifier` and :class:`CNNRNNClassifier`.
"""
from __future__ import annotations

from numbers import Integral, Real

import torch

from ._validation import Interval, NonEmptyTupleOf, Options
from .base import DeMoClassifier
from .networks import (
    FILTER_STRANDS, GLOBAL_POOLS, LSTM_STRANDS, POOLS, DeMoCNN, DeMoCNNRNN, DeMoRNN,
)

__all__ = ["CNNClassifier", "RNNClassifier", "CNNRNNClassifier"]


class CNNClassifier(DeMoClassifier):
    """DeMo's convolutional network (:class:`~sklearn_demo.networks.DeMoCNN`).

    DeMo's layers, read on both strands and pooled by the maximum and the
    mean over positions: the three changes that lift it above a bag of
    k-mers on ChIP-seq peaks. DeMo's recipe stays one call away:
    ``CNNClassifier(filter_strands="forward", global_pool="max",
    reverse_complement=False)``. Read more in the :doc:`User Guide
    </guide/models>`.

    Parameters
    ----------
    module : torch module class, default=DeMoCNN
        The torch network; replace it only with one of the same signature.
    n_filters : int, default=128
        Feature maps of every convolution (DeMo's; enough for the handful of
        motifs one ChIP-seq experiment holds).
    filter_widths : tuple of int, default=(9, 5, 3)
        One convolution per width (DeMo's: a first layer as wide as a core
        binding site, then narrower ones that combine them).
    pool_size : int, default=2
        Max-pooling between convolutions (DeMo's).
    dropout : float, default=0.5
        Dropout before the output (DeMo's; the networks overfit small sets
        without it).
    filter_strands : {"auto", "both", "forward"}, default="auto"
        "both": every first-layer filter also reads the reverse strand
        (:class:`~sklearn_demo.networks.StrandPairedConv1d`; DNA input with
        4 channels only), so each finds its motif in either orientation;
        "forward": the forward strand only (DeMo); "auto": "both" on
        4-channel input, else "forward".
    global_pool : {"max", "max+mean"}, default="max+mean"
        Pooling of the last feature maps over positions: "max" (DeMo's)
        keeps whether each feature occurs, "max+mean" also how much of it
        the sequence holds (DeepBind's "maxavg"): weak, repeated or
        compositional signals (GC-rich promoters, low-affinity sites) that
        a single maximum misses and a bag of k-mers counts.
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
    lr_schedule : {"step", "plateau", "cosine"}, default="step"
        How the learning rate changes over epochs: "step" multiplies it by
        ``lr_decay`` every ``lr_step`` epochs (DeMo's); "plateau" does so
        once the validation loss has not improved for ``lr_step`` epochs;
        "cosine" anneals it to 0 over ``lr_step`` epochs, then restarts.
    lr_step : int or None, default=10
        Epochs of the schedule (see ``lr_schedule``); None keeps the rate
        constant.
    lr_decay : float, default=0.5
        Factor of each decay of "step" and "plateau" (DeMo's halving).
    reverse_complement : bool or "auto", default="auto"
        Train on both strands (augmentation; a sequence and its reverse
        complement stay on the same side of the validation split) and average
        the two strands' probabilities at prediction (explanations explain
        that average). DeMo did neither. "auto" does so for DNA (4 channels)
        and not for other numeric input. The CNN's default: it pools over
        positions, so it reads no order of motifs that both strands could
        disagree on; twice the training time. The recurrent networks'
        default is False (see :class:`CNNRNNClassifier`).
    max_shift : int or "auto", default=0
        Shift augmentation: every training step moves each sequence by its
        own random offset of at most ``max_shift`` positions (N moved in),
        so the network does not tie a motif to one position or one phase of
        its pooling; the order and spacing of motifs are kept. Prediction
        reads the sequences as given. "auto": up to 3 positions on DNA
        (4 channels; Enformer's and Basenji's shift), none on other input.
        DeMo did not shift.
    weight_decay : float, default=0.0
        L2 penalty on every weight, added to its gradient by the optimizer
        (``optimizer__weight_decay`` overrides it). DeMo used none.
    ema_decay : float in (0, 1) or None, default=None
        Keep an exponential moving average of the weights, updated after
        every training step with this decay (0.999 averages about the last
        1,000 steps); validation, early stopping and the fitted network use
        the average (:class:`~sklearn_demo.training.WeightAveraging`).
        None trains and keeps the raw weights, as DeMo did.
    ensemble_size : int, default=1
        Networks trained side by side from different random initialisations
        (a seed ensemble); predictions average their log-odds. Each member
        learns from its own loss and gradient (clipped on its own), all
        stop at the epoch where the ensemble's validation loss was best.
        Costs ``ensemble_size`` times the training and prediction time. The
        CNN-RNN's default is 2 (see :class:`CNNRNNClassifier`).
    padding : {"error", "right", "center"}, default="error"
        How DNA strings of different lengths are padded with N. "error"
        refuses them, so lengths never differ silently.
    random_state : int, RandomState or None, default=None
        Makes ``fit`` reproducible on CPU (weights, shuffling, dropout,
        validation split). On CUDA, cuDNN kernels may still differ in the
        last bits between runs.
    device : str, default="cpu"
        The torch device ("cuda", "cuda:1"); the CPU runs everywhere.
    precision : {"float32", "bfloat16"}, default="float32"
        "bfloat16" trains and predicts with mixed precision
        (:func:`torch.autocast`): convolutions and linear layers compute in
        bfloat16, weights, gradients, optimizer state and the loss stay
        float32, and the LSTM runs in float32. It pays off on GPUs with
        bfloat16 tensor cores (Ampere and newer) and CPUs with AMX; on other
        CPUs it is slower (see ``benchmarks/RESULTS.md``).
    class_weight : "balanced", dict or None, default=None
        Weight of the positive labels in the loss. "balanced": for each
        task, its negatives over its positives (rare tasks in a multi-task
        set, e.g. a TF bound in 1% of the windows, still pull on the shared
        filters); a dict ``{label: weight}`` (one task). None: every label
        counts the same, as DeMo.
    task_names : list of str or None, default=None
        Names of the tasks of a multi-task ``y``; None takes a DataFrame's
        columns, a streamed dataset's ``tasks``, else "task_0", "task_1"...
    pos_label : label or None, default=None
        The positive (bound) class of single-task labels: the class whose
        probability the package's reports, maps, motifs and files show
        (``pos_label_``), saved with the model. None takes the obvious member
        of a common pair (bound/unbound, positive/negative, yes/no,
        true/false, 1/0) and refuses any other pair, naming its labels:
        sorted order would make "unbound" positive. scikit-learn's API keeps
        its convention (``predict_proba`` columns in ``classes_`` order,
        ``decision_function`` for ``classes_[1]``).
    verbose : int, default=1
        1 prints a line per epoch (and a progress bar on a terminal); 0 is quiet.
    **kwargs
        Any other skorch parameter (``callbacks``, ``module__*``,
        ``train_split``, ``warm_start``, ...).

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    pos_label_ : the positive label (single-task)
    n_features_in_ : int
        Input channels (4 for DNA).
    input_width_ : int
        Length of the training sequences: the window width the genome
        commands cut for this model by default (saved in its model file).
    module_ : torch.nn.Module
    history_ : skorch History
    validating_ : bool
        Whether the last ``fit`` held out a validation split (see
        ``early_stopping``).
    tasks_ : ndarray of str
        Multi-task fits only (``y`` of shape (n, n_tasks)): the task names,
        one per output; ``predict_proba`` then gives (n, n_tasks).

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(200, random_state=0)
    >>> clf = CNNClassifier(n_filters=8, max_epochs=2, verbose=0, random_state=0)
    >>> clf.fit(data.X, data.y).predict_proba(data.X[:3]).shape
    (3, 2)

    Several tasks at once: one column of 0/1 labels per task (NaN: unknown).

    >>> import numpy as np
    >>> Y = np.column_stack([data.y, 1 - data.y])
    >>> clf = CNNClassifier(n_filters=8, max_epochs=1, verbose=0, task_names=["a", "b"])
    >>> clf.fit(data.X, Y).predict_proba(data.X[:3]).shape, clf.tasks_.tolist()
    ((3, 2), ['a', 'b'])
    """

    _module_params = ("n_filters", "filter_widths", "pool_size", "dropout", "filter_strands",
                      "global_pool")
    _parameter_constraints = {
        "n_filters": [Interval(Integral, 1, None)],
        "filter_widths": [NonEmptyTupleOf(Interval(Integral, 1, None))],
        "pool_size": [Interval(Integral, 1, None)],
        "filter_strands": [Options(FILTER_STRANDS + ("auto",))],
        "global_pool": [Options(GLOBAL_POOLS)],
    }

    def __init__(
        self,
        module: type[torch.nn.Module] = DeMoCNN,
        *,
        n_filters: int = 128,
        filter_widths: tuple[int, ...] = (9, 5, 3),
        pool_size: int = 2,
        dropout: float = 0.5,
        filter_strands: str = "auto",
        global_pool: str = "max+mean",
        reverse_complement: bool | str = "auto",
        **kwargs: object,
    ):
        super().__init__(module, reverse_complement=reverse_complement, **kwargs)
        self.n_filters = n_filters
        self.filter_widths = filter_widths
        self.pool_size = pool_size
        self.dropout = dropout
        self.filter_strands = filter_strands
        self.global_pool = global_pool


class RNNClassifier(DeMoClassifier):
    """DeMo's recurrent network (:class:`~sklearn_demo.networks.DeMoRNN`): an
    LSTM over the one-hot sequence, read in both directions.

    DeMo's recipe (32 units, outputs averaged over positions, Adam at 1e-2,
    batches of 256, a bidirectional LSTM) stays at chance on most ENCODE
    sets; the defaults below are the smallest changes that make it learn,
    each measured on its own, and one LSTM reads both strands of DNA.
    DeMo's recipe stays one call away: ``RNNClassifier(hidden_size=32,
    lstm_pool="mean", lr=0.01, batch_size=256, lstm_input_std=None,
    lstm_strands="forward")``.
    Read more in the :doc:`user guide </guide/models>`.

    Parameters
    ----------
    module : torch module class, default=DeMoRNN
        The torch network; replace it only with one of the same signature.
    hidden_size : int, default=128
        LSTM units per direction (DeMo: 32, too few to hold a 20-bp motif in
        the state; with the maximum over positions, 128 make it learn).
    dropout : float, default=0.5
        Dropout before the output (DeMo's).
    lstm_pool : {"max", "mean"}, default="max"
        Pooling of the LSTM outputs over positions (DeMo: "mean", which
        dilutes the few positions where a motif is read, so the network
        never leaves the "predict 0.5" plateau).
    lstm_timescale : float or None, default=None
        None: torch's LSTM initialisation. A number of positions (above 2):
        chrono initialisation of the gates
        (:func:`~sklearn_demo.recurrent.chrono_initialize_`), for labels that
        depend on motifs far apart, such as their order. Not the default: it
        slows learning where one short motif decides.
    lstm_input_std : float or None, default=1.0
        Standard deviation of the LSTM's input weights at initialisation
        (:func:`~sklearn_demo.recurrent.init_input_weights_`): one-hot DNA sets
        one input per position, and a unit-variance weight lets each base
        move every gate from the start. None: torch's (+-1/sqrt(hidden_size),
        DeMo's too), which leaves the network on its loss plateau for
        epochs.
    lstm_strands : {"auto", "both", "forward"}, default="auto"
        "forward": DeMo's bidirectional LSTM, whose backward direction reads
        the same strand backwards with weights of its own. "both": one LSTM
        reads each strand 5' to 3', with the same weights, and pools its
        outputs on both (:class:`~sklearn_demo.recurrent.BiLSTMHead`): a
        motif is learned once for both orientations, every update sees both
        strands, the cost is that of the bidirectional LSTM, and a sequence
        scores as its reverse complement, so it cannot read an order of
        motifs along one strand (a motif on either strand, then another).
        "auto": "both" on DNA (4 channels) unless ``lstm_timescale`` is set
        (chrono gates are for such orders), "forward" otherwise.
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

    _module_params = ("hidden_size", "dropout", "lstm_pool", "lstm_timescale", "lstm_input_std",
                      "lstm_strands")
    _parameter_constraints = {"hidden_size": [Interval(Integral, 1, None)], "lstm_pool": [Options(POOLS)],
                              "lstm_strands": [Options(LSTM_STRANDS + ("auto",))],
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
        lstm_strands: str = "auto",
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
        self.lstm_strands = lstm_strands

    def _auto_strands(self, name: str) -> bool:
        """Chrono gates (``lstm_timescale``) are for an order of motifs along
        one strand: with them "auto" keeps DeMo's bidirectional LSTM."""
        return name != "lstm_strands" or self.lstm_timescale is None


class CNNRNNClassifier(DeMoClassifier):
    """DeMo's convolutional-recurrent network
    (:class:`~sklearn_demo.networks.DeMoCNNRNN`): one convolution whose feature
    maps, max-pooled, a bidirectional LSTM reads.

    DeMo's recipe (no pooling, LSTM outputs averaged over positions, Adam at
    1e-2, batches of 256) does not learn dependencies between motifs; the
    defaults below do, their filters read both strands, training shifts the
    sequences, and two networks are averaged. DeMo's recipe:
    ``CNNRNNClassifier(pool_size=1, lstm_pool="mean", lr=0.01, batch_size=256,
    filter_strands="forward", max_shift=0, ensemble_size=1)``. Read more in
    the :doc:`user guide </guide/models>`.

    Parameters
    ----------
    module : torch module class, default=DeMoCNNRNN
        The torch network; replace it only with one of the same signature.
    n_filters : int, default=128
        Feature maps of the convolution (DeMo's).
    filter_width : int, default=9
        Width of the convolution (DeMo's: a core binding site).
    pool_size : int, default=4
        Max-pooling of the feature maps before the LSTM (DeMo: 1, none):
        with it, and the maximum over positions, the LSTM reads the order of
        two motifs 30-50 bp apart.
    hidden_size : int, default=32
        LSTM units per direction (DeMo's; the convolution has already found
        the motifs, the LSTM only reads their order).
    dropout : float, default=0.5
        Dropout before the output (DeMo's).
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
        (DeMo: 256.) More updates per epoch with more gradient noise: the
        LSTM leaves its plateau sooner.
    reverse_complement : bool or "auto", default=False
        Both strands, as in :class:`CNNClassifier`: better where motif order
        does not matter, at twice the training time; off by default because a
        model that is the same on both strands cannot read an order defined
        on one.
    max_shift : int or "auto", default="auto"
        Shift augmentation, as in :class:`CNNClassifier`: "auto" moves each
        training sequence of DNA by up to 3 positions (DeMo: 0). It keeps the
        order and spacing of motifs, and raised the hardest ChIP-seq sets
        most (user guide).
    ensemble_size : int, default=2
        Networks trained side by side from different seeds, their log-odds
        averaged (a seed ensemble, as in :class:`CNNClassifier`; DeMo: 1).
        Two score higher than one on ChIP-seq peaks, most on the hardest
        sets (user guide), at twice the training, prediction and
        explanation time; 1 trains one network.
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
        max_shift: int | str = "auto",
        ensemble_size: int = 2,
        **kwargs: object,
    ):
        super().__init__(module, lr=lr, batch_size=batch_size, max_shift=max_shift,
                         ensemble_size=ensemble_size, **kwargs)
        self.n_filters = n_filters
        self.filter_width = filter_width
        self.pool_size = pool_size
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.lstm_pool = lstm_pool
        self.filter_strands = filter_strands
        self.lstm_timescale = lstm_timescale
