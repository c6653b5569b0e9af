"""The positive class of a binary classifier: which of its two labels its
probabilities, maps, motifs and reports are about.

scikit-learn's own API keeps its convention (``classes_`` sorted,
``predict_proba`` columns in that order, ``decision_function`` the log-odds
of ``classes_[1]``), so its scorers and ``cross_validate`` read every model
alike. What the package shows as "p(bound)" is the probability of
``pos_label_``, which ``fit`` resolves once from ``pos_label``: named by the
user, or the obvious member of a common pair (bound/unbound,
positive/negative, yes/no, true/false, 1/0), or the greater of two numbers;
for any other pair of words the user must name it, since sorted order made
"unbound" the positive class of bound/unbound labels.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["OBVIOUS_POSITIVES", "resolve_pos_label", "positive_class", "positive_column",
           "positive_proba", "positive_log_odds", "probability_name", "check_known_labels"]

#: Label pairs whose positive member goes without saying, compared as
#: lower-case text, with that member.
OBVIOUS_POSITIVES = {
    frozenset({"bound", "unbound"}): "bound",
    frozenset({"positive", "negative"}): "positive",
    frozenset({"pos", "neg"}): "pos",
    frozenset({"yes", "no"}): "yes",
    frozenset({"true", "false"}): "true",
    frozenset({"1", "0"}): "1",
    frozenset({"1", "-1"}): "1",
}


def _text(label: object) -> str:
    """A label as text for matching pairs: numbers by value (1, 1.0, True
    alike: ``"1"``), strings lower-cased."""
    if isinstance(label, (bool, np.bool_)):
        return str(bool(label)).lower()
    if isinstance(label, numbers.Number) and float(label).is_integer():
        return str(int(label))
    return str(label).lower()


def resolve_pos_label(classes: object, pos_label: object, *, owner: str,
                      strict: bool = True) -> object:
    """The positive label among the two ``classes``: ``pos_label`` when
    given (it must be one of them), else the obvious member of a pair in
    :data:`OBVIOUS_POSITIVES`, else the greater of two numbers (scikit-learn's
    reading of numeric labels). Any other pair (two words) raises
    ``ValueError`` listing the labels; with ``strict=False`` (model files saved before
    ``pos_label`` existed) it is ``classes[1]``, what those models used.

    Examples
    --------
    >>> resolve_pos_label(["bound", "unbound"], None, owner="CNNClassifier")
    'bound'
    >>> resolve_pos_label([0, 1], None, owner="CNNClassifier")
    1
    >>> resolve_pos_label(["CTCF", "input"], None, owner="CNNClassifier")
    Traceback (most recent call last):
    ...
    ValueError: CNNClassifier: which of the labels ['CTCF', 'input'] is the positive (bound) class? ...
    """
    classes = list(np.asarray(classes).tolist())
    if pos_label is not None:
        matches = [c for c in classes if c == pos_label or _text(c) == _text(pos_label)]
        if len(matches) != 1:
            raise ValueError(f"{owner}: pos_label={pos_label!r} is not one of the labels "
                             f"{classes}.")
        return matches[0]
    obvious = OBVIOUS_POSITIVES.get(frozenset(_text(c) for c in classes))
    if obvious is not None:
        return next(c for c in classes if _text(c) == obvious)
    if all(isinstance(c, numbers.Number) and not isinstance(c, bool) for c in classes):
        return max(classes)  # two numbers: the greater, as scikit-learn's metrics read them
    if not strict:
        return classes[1]
    raise ValueError(f"{owner}: which of the labels {classes} is the positive (bound) class? "
                     "Name it with pos_label= (--positive LABEL on the command line).")


def positive_class(estimator: object) -> object:
    """The label whose probability the package reports: ``pos_label_`` of a
    fitted network or baseline, else scikit-learn's ``classes_[1]``. A
    multi-task network has one per task: pick one with ``task_classifier``."""
    estimator = getattr(estimator, "estimator", estimator)  # FrozenEstimator
    if getattr(estimator, "is_multitask", False):
        raise ValueError(f"this {type(estimator).__name__} is multi-task ({list(estimator.tasks_)}): "
                         "pick one task with task_classifier(task) (--target on the command line).")
    label = getattr(estimator, "pos_label_", None)
    return estimator.classes_[1] if label is None else label


def positive_column(estimator: object) -> int:
    """The column of :func:`positive_class` in ``predict_proba``."""
    return int(np.flatnonzero(np.asarray(estimator.classes_) == positive_class(estimator))[0])


def positive_proba(estimator: object, X: object) -> np.ndarray:
    """The probability of the positive class, shape (n,).

    Examples
    --------
    >>> from sklearn_demo import KmerClassifier
    >>> model = KmerClassifier(k=2).fit(["ACGTACGT", "AAAAAAAA"], ["bound", "unbound"])
    >>> bool(positive_proba(model, ["ACGTACGT"])[0] > 0.5)
    True
    """
    return estimator.predict_proba(X)[:, positive_column(estimator)]


def positive_log_odds(estimator: object, X: object) -> np.ndarray:
    """The log-odds of the positive class: ``decision_function`` (the log-odds
    of ``classes_[1]``), negated when the positive class is ``classes_[0]``."""
    sign = 1.0 if positive_column(estimator) == 1 else -1.0
    return sign * estimator.decision_function(X)


def probability_name(estimator: object) -> str:
    """How a probability of ``estimator`` is named in every output:
    ``"p(bound)"`` for the usual labels, ``"p(CTCF)"`` for a positive label
    "CTCF", ``"p(bound)"`` for the label 1.

    Examples
    --------
    >>> from sklearn_demo import KmerClassifier
    >>> probability_name(KmerClassifier(k=2).fit(["ACGT", "AAAA"], ["CTCF", "input"]))
    Traceback (most recent call last):
    ...
    ValueError: KmerClassifier: which of the labels ['CTCF', 'input'] is the positive (bound) class? ...
    >>> probability_name(KmerClassifier(k=2, pos_label="CTCF").fit(["ACGT", "AAAA"], ["CTCF", "input"]))
    'p(CTCF)'
    """
    label = positive_class(estimator)
    text = _text(label)
    return "p(bound)" if text in {"1", "true", "bound", "positive", "pos", "yes"} else f"p({label})"


def check_known_labels(estimator: object, y: object, *, what: str = "the data") -> None:
    """Refuse labels ``y`` (single-task) that are not the model's, naming both
    sets, before anything is scored with them.

    Examples
    --------
    >>> from sklearn_demo import KmerClassifier
    >>> model = KmerClassifier(k=2).fit(["ACGT", "AAAA"], ["bound", "unbound"])
    >>> check_known_labels(model, [0, 1])
    Traceback (most recent call last):
    ...
    ValueError: the data are labelled [0, 1], but KmerClassifier was trained on ['bound', 'unbound']; ...
    """
    estimator = getattr(estimator, "estimator", estimator)
    found = np.unique(np.asarray(y)).tolist()
    known = np.asarray(estimator.classes_).tolist()
    if not set(found) <= set(known):
        raise ValueError(f"{what} are labelled {found}, but {type(estimator).__name__} was "
                         f"trained on {known}; give data labelled as the model was trained, "
                         "or retrain.")
