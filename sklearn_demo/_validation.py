"""Range checks of estimator parameters, with messages that name them."""
from __future__ import annotations

import numbers


def check_number(
    owner: str,
    name: str,
    value: object,
    *,
    integer: bool = False,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_none: bool = False,
) -> None:
    """Raise ValueError naming ``owner`` and ``name`` unless ``value`` is in range.

    Examples
    --------
    >>> check_number("Model", "lr", 0.1, low=0, low_open=True)
    >>> check_number("Model", "n_iter", 0, integer=True, low=1)
    Traceback (most recent call last):
    ...
    ValueError: Model: parameter 'n_iter' must be an integer in [1, inf], got 0.
    """
    if value is None and allow_none:
        return
    kind = numbers.Integral if integer else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, bool)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        interval = f"{lo}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi}"
        raise ValueError(
            f"{owner}: parameter {name!r} must be {'an integer' if integer else 'a number'} "
            f"in {interval}{' or None' if allow_none else ''}, got {value!r}."
        )


def check_option(owner: str, name: str, value: object, options: tuple) -> None:
    """Raise ValueError naming ``owner`` and ``name`` unless ``value`` is one of ``options``.

    Examples
    --------
    >>> check_option("Model", "pool", "max", ("max", "mean"))
    >>> check_option("Model", "pool", "sum", ("max", "mean"))
    Traceback (most recent call last):
    ...
    ValueError: Model: parameter 'pool' must be one of ('max', 'mean'), got 'sum'.
    """
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{owner}: parameter {name!r} must be one of {options}, got {value!r}.")
