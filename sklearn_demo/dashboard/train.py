"""Fitting the networks and baselines a dashboard run asks for."""
from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
from sklearn.model_selection import train_test_split

from .._validation import N_JOBS, check_parameter
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
    lstm_timescale: float | None = None, pos_label: object = None, n_jobs: int | None = None,
    log: Log = print,
) -> tuple[dict[str, object], dict[str, dict[str, float]]]:
    """Fit each named model on the training set.

    Parameters
    ----------
    n_jobs : int or None, default=None
        Models fitted at once, each in a process of its own on
        ``cores // n_jobs`` threads (joblib; -1: one per core). None fits
        them one after the other here, with skorch's table of each epoch;
        in processes, one line per model says when it is done.
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
    check_parameter("train_models", "n_jobs", n_jobs, N_JOBS)
    if max_train_gkm is not None and not (isinstance(max_train_gkm, int) and max_train_gkm >= 2):
        raise ValueError(f"max_train_gkm must be an integer of at least 2 or None, "
                         f"got {max_train_gkm!r}.")
    in_processes = n_jobs not in (None, 1)
    jobs = []
    for key in keys:
        params = ({"lstm_timescale": lstm_timescale}
                  if key in RECURRENT and lstm_timescale is not None else {})
        model = make_estimator(key, epochs=epochs, device=device, seed=seed,
                               verbose=0 if in_processes else verbose, pos_label=pos_label,
                               **params)
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
        jobs.append((name, model, X, y))
    fitted, training = {}, {}
    for (name, _, X, _), (model, seconds) in zip(jobs, in_parallel(
            timed_fit, [job[1:] for job in jobs], n_jobs=n_jobs)):
        fitted[name] = model
        training[name] = {"train_seconds": seconds, "train_sequences": len(X)}
        if in_processes:
            log(f"  {name} trained in {seconds:.0f} s")
    return fitted, training


def timed_fit(model: object, X: object, y: object) -> tuple[object, float]:
    """``model.fit(X, y)`` and the seconds it took."""
    start = time.perf_counter()
    model.fit(X, y)
    return model, time.perf_counter() - start


def in_parallel(function: Callable, arguments: Sequence[tuple], *,
                n_jobs: int | None = None) -> Iterator[object]:
    """``function(*args)`` for each of ``arguments``, in their order: here,
    each as it is done, when ``n_jobs`` is None or 1, else all at once from
    ``n_jobs`` processes (joblib's loky; each computes on ``cores //
    n_jobs`` threads, so they share the cores rather than fight for them).

    Examples
    --------
    >>> list(in_parallel(divmod, [(7, 2), (9, 4)]))
    [(3, 1), (2, 1)]
    """
    from joblib import Parallel, delayed

    if n_jobs in (None, 1):
        return (function(*args) for args in arguments)
    with warnings.catch_warnings():
        # loky restarts a worker whose memory grew by 300 MB (a torch model
        # does) and says so; nothing is lost, and nothing for the user to do
        warnings.filterwarnings("ignore", "A worker stopped while some jobs", UserWarning)
        return iter(Parallel(n_jobs=n_jobs)(delayed(function)(*args) for args in arguments))


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
