"""Saving and loading fitted networks without pickling Python classes.

A saved model is one file written by ``torch.save`` holding plain data only:
the format version, the package version, the estimator's class name, and
its :meth:`~sklearn_demo.base.DeMoClassifier.fitted_state` (JSON-able
hyper-parameters, the labels, the number of input channels, the input width
and the module's weights, on the CPU). Loading checks every field and hands
them to :meth:`~sklearn_demo.base.DeMoClassifier.from_fitted_state`, which
loads the weights read with
``torch.load(weights_only=True)``, so a file from a GPU machine loads on a
CPU-only one, and no code from the file is ever run.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from ._atomic import atomic_path
from .base import DeMoClassifier
from .estimators import CNNClassifier, CNNRNNClassifier, RNNClassifier

FORMAT_VERSION = 1
_CLASSES = {cls.__name__: cls for cls in (CNNClassifier, RNNClassifier, CNNRNNClassifier)}
#: The value of each parameter before it existed, per class: a model file
#: saved before a parameter was added lacks it, and its model was trained
#: with this value (what the package did then), so a loaded model predicts,
#: reports and refits as it did. Files from 0.1.0 (format 1) onwards load;
#: the suite loads one file of every earlier layout (``tests/model_files``)
#: and fails when a constructor parameter is neither in the oldest of them
#: nor here.
PARAMETERS_BEFORE_THEY_EXISTED = {
    "common": {"class_weight": None, "early_stopping": True, "ema_decay": None,
               "ensemble_size": 1, "lr_schedule": "step", "max_shift": 0,
               "precision": "float32", "task_names": None, "weight_decay": 0.0,
               "pos_label": None},
    "CNNClassifier": {"filter_strands": "forward", "global_pool": "max"},
    "RNNClassifier": {"lstm_input_std": None, "lstm_pool": "mean", "lstm_strands": "forward",
                      "lstm_timescale": None},
    "CNNRNNClassifier": {"filter_strands": "forward", "lstm_pool": "mean", "lstm_timescale": None,
                         "pool_size": 1},
}


def parameters_before_they_existed(class_name: str) -> dict:
    """:data:`PARAMETERS_BEFORE_THEY_EXISTED` for one class, with the
    parameters common to the three."""
    return {**PARAMETERS_BEFORE_THEY_EXISTED["common"],
            **PARAMETERS_BEFORE_THEY_EXISTED[class_name]}


def _version_tuple(version: str) -> tuple[int, ...] | None:
    """(major, minor, patch) of a release string, None if it is not one."""
    parts = version.split("+")[0].split(".")[:3]
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def _package_version() -> str:
    from . import __version__

    return __version__


def save_model(estimator: DeMoClassifier, path: str | os.PathLike) -> Path:
    """Save a fitted CNN/RNN/CNN-RNN classifier to ``path``.

    Read more in the :doc:`User Guide </guide/training>`.

    The file is written to a temporary name and renamed once complete.

    Parameters
    ----------
    estimator : fitted CNNClassifier, RNNClassifier or CNNRNNClassifier
    path : str or path-like

    Returns
    -------
    path : Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(60, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> path = save_model(clf, pathlib.Path(tempfile.mkdtemp()) / "cnn.pt")
    >>> load_model(path).predict_proba(data.X[:2]).shape
    (2, 2)
    """
    saved_class = next((cls for cls in type(estimator).__mro__
                        if _CLASSES.get(cls.__name__) is cls), None)
    if saved_class is None:
        raise TypeError(f"save_model saves {', '.join(_CLASSES)} (and their subclasses); got "
                        f"{type(estimator).__name__}.")
    state = estimator.fitted_state()
    # a subclass (e.g. one trained through skorch's AccelerateMixin) is saved as its
    # DeMo class, without the parameters only the subclass has
    known = set(saved_class().get_params(deep=False))
    state["params"] = {key: value for key, value in state["params"].items() if key in known}
    payload = {
        "format_version": FORMAT_VERSION,
        "package_version": _package_version(),
        "class": saved_class.__name__,
        "module_class": estimator.module_.__class__.__name__,
        **state,
        "params": json.dumps(state["params"]),
    }
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)
    return Path(path)


def load_model(path: str | os.PathLike, *, device: str = "cpu") -> DeMoClassifier:
    """Load a classifier saved by :func:`save_model`, onto ``device``.

    Read more in the :doc:`User Guide </guide/training>`.

    Files saved by every earlier version load with the parameters their
    model was trained with (:data:`PARAMETERS_BEFORE_THEY_EXISTED` fills
    those a file predates), so they give the probabilities they gave.
    Raises ``ValueError`` naming the problem for a file that is not a saved
    model, is truncated, was written by a newer version of the package or
    another file format, or whose weights do not fit the architecture its
    parameters describe.

    Parameters
    ----------
    path : str or path-like
    device : str, default="cpu"

    Returns
    -------
    estimator : fitted CNNClassifier, RNNClassifier or CNNRNNClassifier
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No saved model at {path}.")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several types for corrupt files
        raise ValueError(f"{path} is not a readable sklearn_demo model file ({exc}).") from None
    params = _check_payload(path, payload)
    try:
        return _CLASSES[payload["class"]].from_fitted_state(
            {**payload, "params": params}, device=device)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def _check_payload(path: Path, payload: object) -> dict:
    """Every field of a loaded file, checked and named when bad; returns the
    saved hyper-parameters."""
    if not isinstance(payload, dict) or payload.get("class") not in _CLASSES:
        raise ValueError(f"{path} is not an sklearn_demo model file.")
    if payload.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path} has model file format {payload.get('format_version')!r}; this "
                         f"version of sklearn_demo reads format {FORMAT_VERSION}.")
    missing = [key for key in ("package_version", "params", "classes", "n_features_in",
                               "state_dict") if key not in payload]
    if missing:
        raise ValueError(f"{path}: the model file lacks {', '.join(missing)}.")
    saved, current = payload["package_version"], _package_version()
    if not isinstance(saved, str):
        raise ValueError(f"{path}: package_version must be a string, got {saved!r}.")
    saved_release, current_release = _version_tuple(saved), _version_tuple(current)
    if saved_release is None:
        raise ValueError(f"{path}: package_version {saved!r} is not a release number.")
    if current_release is not None and saved_release[:2] > current_release[:2]:
        raise ValueError(f"{path} was saved by sklearn_demo {saved}, newer than this {current}; "
                         "upgrade (pip install -U sklearn-demo) to load it.")
    classes = payload["classes"]
    if (not isinstance(classes, list) or len(classes) != 2 or len(set(map(str, classes))) != 2
            or not all(isinstance(c, (str, int, float, bool)) for c in classes)):
        raise ValueError(f"{path}: classes must be two distinct labels, got {classes!r}.")
    n_features = payload["n_features_in"]
    if not isinstance(n_features, int) or isinstance(n_features, bool) or n_features < 1:
        raise ValueError(f"{path}: n_features_in must be a positive integer, got {n_features!r}.")
    state = payload["state_dict"]
    if not isinstance(state, dict) or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        raise ValueError(f"{path}: state_dict must map parameter names to tensors.")
    try:
        params = json.loads(payload["params"])
    except (TypeError, ValueError):
        raise ValueError(f"{path}: params must be a JSON object, got "
                         f"{str(payload['params'])[:80]!r}.") from None
    if not isinstance(params, dict):
        raise ValueError(f"{path}: params must be a JSON object, got {params!r}.")
    params = {**parameters_before_they_existed(payload["class"]), **params}
    known = set(_CLASSES[payload["class"]]().get_params(deep=False))
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(f"{path}: unknown saved parameters {unknown} for {payload['class']}.")
    tasks = payload.get("tasks")
    if tasks is not None and (not isinstance(tasks, list) or len(tasks) < 2 or len(set(tasks))
                              != len(tasks) or not all(isinstance(t, str) for t in tasks)):
        raise ValueError(f"{path}: tasks must be None or two or more distinct names, got "
                         f"{tasks!r}.")
    width = payload.get("input_width")
    if width is not None and (not isinstance(width, int) or isinstance(width, bool) or width < 1):
        raise ValueError(f"{path}: input_width must be a positive integer or None, got {width!r}.")
    return params
