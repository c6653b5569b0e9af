"""Fitting the networks and baselines a dashboard run asks for."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from sklearn.model_selection import train_test_split

from ..baselines import GappedKmerSVC, KmerClassifier
from ..estimators import CNNClassifier, CNNRNNClassifier, RNNClassifier
from .data import DashboardData

NETWORKS = {"cnn": CNNClassifier, "rnn": RNNClassifier, "cnnrnn": CNNRNNClassifier}

#: The networks with an LSTM (they take ``lstm_timescale``).
RECURRENT = ("rnn", "cnnrnn")

BASELINES = {"kmer": KmerClassifier, "gkm": GappedKmerSVC}


Log = Callable[[str], None]


def make_estimator(key: str, *, epochs: int | None = 20, device: str | None = None, seed: int = 0,
                   verbose: int = 1, **params: object):
    """A network or baseline by its short name (see ``NETWORKS``, ``BASELINES``);
    ``params`` are further parameters of a network; ``epochs`` or ``device``
    None leaves the class's default. The one place the
    dashboard and the command line build their models.

    Examples
    --------
    >>> make_estimator("cnn", epochs=3, lr=1e-3).get_params()["lr"]
    0.001
    """
    if key in NETWORKS:
        given = {name: value for name, value in (("max_epochs", epochs), ("device", device))
                 if value is not None}  # None: the class's default
        return NETWORKS[key](random_state=seed, verbose=verbose, **given, **params)
    if key in BASELINES:  # deterministic: no seed to take
        return BASELINES[key](**{k: v for k, v in params.items() if k == "pos_label"})
    raise ValueError(f"unknown model {key!r}; choose from "
                     f"{', '.join(list(NETWORKS) + list(BASELINES))}.")


def train_models(
    keys: Sequence[str], data: DashboardData, *, epochs: int = 20, device: str = "cpu",
    seed: int = 0, verbose: int = 1, max_train_gkm: int | None = 4000,
    lstm_timescale: float | None = None, pos_label: object = None, log: Log = print,
) -> tuple[dict[str, object], dict[str, dict[str, float]]]:
    """Fit each named model on the training set.

    Parameters
    ----------
    lstm_timescale : float or None, default=None
        The recurrent networks' ``lstm_timescale`` (chrono initialisation of
        their LSTM gates, see :class:`~sklearn_demo.RNNClassifier`); None
        keeps torch's initialisation.
    pos_label : label or None, default=None
        The positive (bound) class of every model (see
        :class:`~sklearn_demo.CNNClassifier`); None: the obvious one of a
        common pair of labels.
    max_train_gkm : int or None, default=4000
        gkm-SVM's kernel is quadratic in the number of training sequences
        (hours beyond about 10,000), so it trains on a stratified random
        subset of at most this many; None trains it on everything.

    Returns
    -------
    models : dict of class name -> fitted model
    training : dict of class name -> {"train_seconds", "train_sequences"}

    Examples
    --------
    >>> from sklearn_demo.dashboard import load_dashboard_data, train_models
    >>> data = load_dashboard_data(n_samples=60)
    >>> models, training = train_models(["kmer"], data, log=lambda _: None)
    >>> list(models), training["KmerClassifier"]["train_sequences"]
    (['KmerClassifier'], 45)
    """
    if max_train_gkm is not None and not (isinstance(max_train_gkm, int) and max_train_gkm >= 2):
        raise ValueError(f"max_train_gkm must be an integer of at least 2 or None, "
                         f"got {max_train_gkm!r}.")
    fitted, training = {}, {}
    for key in keys:
        params = ({"lstm_timescale": lstm_timescale}
                  if key in RECURRENT and lstm_timescale is not None else {})
        model = make_estimator(key, epochs=epochs, device=device, seed=seed, verbose=verbose,
                               pos_label=pos_label, **params)
        name = type(model).__name__
        X, y = data.X_train, data.y_train
        if key == "gkm" and max_train_gkm is not None and len(X) > max_train_gkm:
            keep, _ = train_test_split(np.arange(len(X)), train_size=max_train_gkm,
                                       stratify=y, random_state=seed)
            X, y = X[keep], y[keep]
            log(f"training {name} on a stratified random {len(X)} of the {len(data.X_train)} "
                f"training sequences (max_train_gkm; its kernel is quadratic)")
        else:
            log(f"training {name} on {len(X)} sequences")
        start = time.perf_counter()
        fitted[name] = model.fit(X, y)
        training[name] = {"train_seconds": time.perf_counter() - start,
                          "train_sequences": len(X)}
    return fitted, training


def per_task(models: Mapping[str, object]) -> dict[str, object]:
    """``models`` with each multi-task network replaced by one entry per task,
    named "model · task" (its :meth:`~sklearn_demo.base.DeMoClassifier.task_classifier`):
    the app's model list is its task chooser.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_demo import CNNClassifier
    >>> clf = CNNClassifier(n_filters=2, max_epochs=1, verbose=0, task_names=["CTCF", "DNase"])
    >>> clf = clf.fit(["ACGTACGTAC"] * 4, np.array([[0, 1], [1, 0], [0, 1], [1, 0]]))
    >>> list(per_task({"multi": clf}))
    ['multi · CTCF', 'multi · DNase']
    """
    out: dict[str, object] = {}
    for name, model in models.items():
        if getattr(model, "is_multitask", False):
            out.update({f"{name} · {task}": model.task_classifier(task) for task in model.tasks_})
        else:
            out[name] = model
    return out
