"""One validation style: every class's constraint table is checked by one
function, names real parameters, and rejects a bad value of each, by name."""
import numbers

import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator

from sklearn_demo import (
    ClassOptimizer, CNNClassifier, CNNRNNClassifier, GappedKmerSVC, KmerClassifier,
    RNNClassifier, SaliencyExplainer, TemporalScorer, make_motif_dataset,
)
from sklearn_demo._validation import (
    Interval, NonEmptyTupleOf, Options, check_binary_labels, parameter_constraints,
)

CLASSES = [CNNClassifier, RNNClassifier, CNNRNNClassifier, KmerClassifier, GappedKmerSVC,
           SaliencyExplainer, TemporalScorer, ClassOptimizer]


def _bad_value(constraint):
    if isinstance(constraint, Interval):
        if constraint.low is not None:
            return constraint.low - 1
        return constraint.high + 1
    if isinstance(constraint, Options):
        return "no-such-option"
    if isinstance(constraint, NonEmptyTupleOf):
        return ()
    if constraint == "boolean":
        return "yes"
    if isinstance(constraint, type):
        return []  # an instance of none of the accepted types
    raise AssertionError(constraint)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_constrained_name_is_a_constructor_parameter(cls):
    table = parameter_constraints(cls)
    assert table, f"{cls.__name__} declares no constraints"
    assert set(table) <= set(cls().get_params(deep=False))


@pytest.fixture(scope="module")
def small():
    data = make_motif_dataset(40, random_state=0)
    model = CNNClassifier(n_filters=4, max_epochs=1, verbose=0, random_state=0).fit(
        data.X, data.y)
    return data, model


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_a_bad_value_of_each_parameter_is_refused_by_name(cls, small):
    data, model = small
    for name, constraints in parameter_constraints(cls).items():
        first = next(c for c in constraints if c is not None)
        params = {name: _bad_value(first)}
        if cls in (SaliencyExplainer, TemporalScorer, ClassOptimizer):
            params["estimator"] = FrozenEstimator(model)
        with pytest.raises(ValueError, match=f"{cls.__name__}: parameter '{name}' must be"):
            cls(**params).fit(data.X, data.y)


def test_binary_labels_are_checked_once_for_every_classifier():
    y, labels = check_binary_labels(np.array([[1], [0]]), owner="M")
    assert y.shape == (2,) and labels.tolist() == [0, 1]
    with pytest.raises(ValueError, match="X has 3 sequences but y has 2 labels"):
        check_binary_labels([0, 1], owner="M", n_samples=3)
    with pytest.raises(ValueError, match="M requires y"):
        check_binary_labels(None, owner="M")


def test_interval_bounds_follow_closed():
    half_open = Interval(numbers.Real, 0, 1, closed="left")
    assert half_open.accepts(0) and not half_open.accepts(1) and not half_open.accepts(True)
