"""Parameter validation in one style: a table of constraints per class,
checked by one function, with messages that name the owner and the parameter.

Modelled on scikit-learn's ``_parameter_constraints`` (whose module,
``sklearn.utils._param_validation``, is private): every estimator, explainer
and baseline declares ``_parameter_constraints``, a dict of parameter name ->
list of accepted constraints, and calls :func:`validate_params` from ``fit``.
A constraint is an :class:`Interval`, an :class:`Options`, a
:class:`NonEmptyTupleOf`, ``"boolean"``, ``callable`` (any callable),
``None`` (the value None) or a type. Checks that tie several parameters
together (``k <= l``) stay in ``fit`` beside the call.

Data checks live here too: :func:`check_binary_labels` for every
classifier's ``y``.
"""
from __future__ import annotations

import functools
import inspect
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d


@dataclass(frozen=True)
class Interval:
    """Numbers of ``kind`` (``numbers.Integral`` or ``numbers.Real``) between
    ``low`` and ``high`` (None: unbounded); ``closed`` is "both", "left",
    "right" or "neither". Booleans are never numbers here.

    Examples
    --------
    >>> str(Interval(numbers.Real, 0, 1, closed="left"))
    'a number in [0, 1)'
    >>> Interval(numbers.Integral, 1, None).accepts(0)
    False
    """

    kind: type
    low: float | None
    high: float | None
    closed: str = "both"

    def accepts(self, value: object) -> bool:
        if not isinstance(value, self.kind) or isinstance(value, (bool, np.bool_)):
            return False
        if self.low is not None and (value < self.low or (
                value == self.low and self.closed in ("right", "neither"))):
            return False
        return self.high is None or not (value > self.high or (
            value == self.high and self.closed in ("left", "neither")))

    def __str__(self) -> str:
        lo = "[" if self.closed in ("both", "left") else "("
        hi = "]" if self.closed in ("both", "right") else ")"
        what = "an integer" if self.kind is numbers.Integral else "a number"
        low = "-inf" if self.low is None else self.low
        high = "inf" if self.high is None else self.high
        return f"{what} in {lo}{low}, {high}{hi}"


@dataclass(frozen=True)
class Options:
    """One of the given values (strings, compared exactly).

    Examples
    --------
    >>> str(Options(("max", "mean")))
    "one of ('max', 'mean')"
    """

    values: tuple

    def accepts(self, value: object) -> bool:
        return isinstance(value, str) and value in self.values

    def __str__(self) -> str:
        return f"one of {tuple(self.values)}"


@dataclass(frozen=True)
class NonEmptyTupleOf:
    """A non-empty tuple or list whose items all satisfy ``item``.

    Examples
    --------
    >>> NonEmptyTupleOf(Interval(numbers.Integral, 1, None)).accepts((9, 5))
    True
    >>> str(NonEmptyTupleOf(Interval(numbers.Integral, 1, None)))
    'a non-empty tuple of items each an integer in [1, inf]'
    """

    item: object

    def accepts(self, value: object) -> bool:
        return (isinstance(value, (tuple, list)) and len(value) > 0
                and all(_accepts(self.item, v) for v in value))

    def __str__(self) -> str:
        return f"a non-empty tuple of items each {_describe(self.item)}"


def _accepts(constraint: object, value: object) -> bool:
    if constraint is None:
        return value is None
    if constraint is callable:
        return callable(value)
    if constraint == "boolean":
        return isinstance(value, (bool, np.bool_))
    if isinstance(constraint, type):
        return isinstance(value, constraint)
    return constraint.accepts(value)


def _describe(constraint: object) -> str:
    if constraint is None:
        return "None"
    if constraint is callable:
        return "a callable"
    if constraint == "boolean":
        return "True or False"
    if isinstance(constraint, type):
        return f"an instance of {constraint.__name__}"
    return str(constraint)


def check_parameter(owner: str, name: str, value: object, constraints: Sequence[object]) -> None:
    """Raise ValueError naming ``owner`` and ``name`` unless ``value``
    satisfies one of ``constraints``.

    Examples
    --------
    >>> check_parameter("Model", "lr", 0.1, [Interval(numbers.Real, 0, None, closed="right")])
    >>> check_parameter("Model", "n_iter", 0, [Interval(numbers.Integral, 1, None), None])
    Traceback (most recent call last):
    ...
    ValueError: Model: parameter 'n_iter' must be an integer in [1, inf] or None, got 0.
    """
    if not any(_accepts(constraint, value) for constraint in constraints):
        allowed = " or ".join(_describe(constraint) for constraint in constraints)
        raise ValueError(f"{owner}: parameter {name!r} must be {allowed}, got {value!r}.")


def parameter_constraints(cls: type) -> dict[str, list]:
    """The merged ``_parameter_constraints`` tables of ``cls`` and its bases
    (a subclass's entry replaces its base's)."""
    table: dict[str, list] = {}
    for klass in reversed(cls.__mro__):
        table.update(vars(klass).get("_parameter_constraints", {}))
    return table


def validate_params(owner: object, params: Mapping[str, object] | None = None) -> None:
    """Check every parameter of ``owner`` named in its class's constraint
    table (see :func:`parameter_constraints`); ``params`` defaults to the
    attributes of the same names.

    Examples
    --------
    >>> class Model:
    ...     _parameter_constraints = {"pool": [Options(("max", "mean"))]}
    ...     pool = "sum"
    >>> validate_params(Model())
    Traceback (most recent call last):
    ...
    ValueError: Model: parameter 'pool' must be one of ('max', 'mean'), got 'sum'.
    """
    for name, constraints in parameter_constraints(type(owner)).items():
        value = getattr(owner, name) if params is None else params[name]
        check_parameter(type(owner).__name__, name, value, constraints)


#: ``n_jobs`` as joblib takes it: a positive count, -1 for every core (-2
#: all but one, ...), or None (joblib's default, one process).
N_JOBS = [Interval(numbers.Integral, 1, None), Interval(numbers.Integral, None, -1), None]

#: ``pos_label`` of every classifier: one of its two labels, or None (an
#: obvious pair, see :func:`~sklearn_demo.labels.resolve_pos_label`).
POS_LABEL = [str, numbers.Number, None]

#: A file path: a string or an ``os.PathLike``.
PATH = [str, os.PathLike]


def validate_arguments(
    constraints: Mapping[str, Sequence[object]], *,
    outputs: Sequence[str] = (), inputs: Sequence[str] = (),
) -> Callable:
    """A decorator that checks a public function's arguments before it runs,
    as scikit-learn's ``validate_params`` does: each argument named in
    ``constraints`` must satisfy one of its constraints, and no argument
    named in ``outputs`` may be the same file as one named in ``inputs``
    (an output would overwrite what is being read). The error names the
    function, the parameter and what it accepts, and is raised before any
    output file is created.

    Examples
    --------
    >>> @validate_arguments({"batch_size": [Interval(numbers.Integral, 1, None)]})
    ... def run(items, *, batch_size=10):
    ...     return batch_size
    >>> run([], batch_size=0)
    Traceback (most recent call last):
    ...
    ValueError: run: parameter 'batch_size' must be an integer in [1, inf], got 0.
    """
    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        unknown = set(constraints) | set(outputs) | set(inputs)
        unknown -= set(signature.parameters)
        if unknown:
            raise TypeError(f"{function.__name__} has no parameters {sorted(unknown)}")

        @functools.wraps(function)
        def checked(*args, **kwargs):
            arguments = signature.bind(*args, **kwargs)
            arguments.apply_defaults()
            values = arguments.arguments
            for name, allowed in constraints.items():
                check_parameter(function.__name__, name, values[name], allowed)
            check_distinct_paths(function.__name__, {name: values[name] for name in outputs},
                                 {name: values[name] for name in inputs})
            return function(*args, **kwargs)

        return checked

    return decorate


def check_distinct_paths(owner: str, outputs: Mapping[str, object],
                         inputs: Mapping[str, object]) -> None:
    """Raise ValueError when an output path is the same file as an input
    path (paths only; objects such as an open genome are not compared).

    Examples
    --------
    >>> check_distinct_paths("predict", {"out": "a.fa"}, {"fasta": "./a.fa"})
    Traceback (most recent call last):
    ...
    ValueError: predict: out='a.fa' is also the input fasta; writing it would overwrite what is being read.
    """
    def resolved(value: object) -> Path | None:
        if isinstance(value, (str, os.PathLike)) and str(value) not in ("", "-"):
            return Path(value).expanduser().resolve()
        return None

    for out_name, out in outputs.items():
        target = resolved(out)
        for in_name, source in inputs.items():
            if target is not None and target == resolved(source):
                raise ValueError(f"{owner}: {out_name}={str(out)!r} is also the input {in_name}; "
                                 "writing it would overwrite what is being read.")


def check_binary_labels(
    y: object, *, owner: str, n_samples: int | None = None, classes: object = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``y`` as a 1-d array and its two class labels (``classes`` if given,
    else the labels found), for every binary classifier of the package.

    Raises ValueError naming ``owner`` when y is None, not a classification
    target, holds other than two classes, or does not have ``n_samples``
    labels.

    Examples
    --------
    >>> check_binary_labels(["b", "a", "b"], owner="Model")[1].tolist()
    ['a', 'b']
    >>> check_binary_labels([1, 1], owner="Model")
    Traceback (most recent call last):
    ...
    ValueError: Only binary classification is supported by Model: y must hold exactly two classes, got 1 class ([1]).
    """
    if y is None:
        raise ValueError(f"{owner} requires y to be passed, but the target y is None.")
    y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    labels = np.unique(y) if classes is None else np.asarray(classes)
    if len(labels) != 2:
        raise ValueError(
            f"Only binary classification is supported by {owner}: y must hold exactly two "
            f"classes, got {len(labels)} class{'' if len(labels) == 1 else 'es'} "
            f"({labels[:10].tolist()}).")
    if n_samples is not None and len(y) != n_samples:
        raise ValueError(f"X has {n_samples} sequences but y has {len(y)} labels.")
    return y, labels


def is_task_matrix(y: object) -> bool:
    """Whether ``y`` is a multi-task label matrix: two-dimensional with at
    least two columns (one column is read as a single task, as
    scikit-learn reads a column vector)."""
    if y is None:
        return False
    try:
        shape = np.asarray(y).shape
    except ValueError:  # ragged: not a matrix (check_binary_labels says more)
        return False
    return len(shape) == 2 and shape[1] >= 2


def check_task_labels(
    y: object, *, owner: str, n_samples: int | None = None,
) -> tuple[np.ndarray, list[str] | None]:
    """A multi-task label matrix as float32 (n, N) and its column names
    (a DataFrame's, else None).

    Entries are 0, 1 or NaN (unknown: masked out of the loss). Raises
    ValueError naming ``owner``, the task and the value otherwise.

    Examples
    --------
    >>> labels, names = check_task_labels([[0, 1], [1, np.nan]], owner="Model")
    >>> labels.tolist()[1][0], names
    (1.0, None)
    >>> check_task_labels([[0, 2], [1, 0]], owner="Model")
    Traceback (most recent call last):
    ...
    ValueError: Model: multi-task labels must be 0, 1 or NaN (unknown); task 1 holds 2.0.
    """
    names = [str(c) for c in y.columns] if hasattr(y, "columns") else None
    try:
        matrix = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{owner}: multi-task labels must be numbers (0, 1 or NaN); "
                         f"got {np.asarray(y).dtype}.") from None
    if n_samples is not None and len(matrix) != n_samples:
        raise ValueError(f"X has {n_samples} sequences but y has {len(matrix)} rows of labels.")
    bad = ~(np.isnan(matrix) | (matrix == 0) | (matrix == 1))
    if bad.any():
        row, column = np.argwhere(bad)[0]
        task = names[column] if names else column
        raise ValueError(f"{owner}: multi-task labels must be 0, 1 or NaN (unknown); task "
                         f"{task} holds {float(matrix[row, column])}.")
    return matrix.astype(np.float32), names
