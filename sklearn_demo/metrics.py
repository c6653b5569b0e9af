"""Scores of multi-task predictions, one row per task, with scikit-learn's
metrics on the known labels of each task."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score


def task_scores(y_true: object, proba: object, tasks: Sequence[str] | None = None) -> list[dict]:
    """ROC AUC and AUPRC (average precision) per task of (n, N) labels
    (NaN: unknown, left out) and predicted probabilities; NaN scores for a
    task whose known labels hold one class.

    Examples
    --------
    >>> y = np.array([[0, 1], [1, np.nan], [1, 1]])
    >>> p = np.array([[0.1, 0.4], [0.8, 0.3], [0.7, 0.9]])
    >>> [(row["task"], row["positives"], row["auc"]) for row in task_scores(y, p, ["a", "b"])]
    [('a', 2, 1.0), ('b', 2, nan)]
    """
    y_true, proba = np.asarray(y_true, dtype=float), np.asarray(proba, dtype=float)
    if y_true.ndim == 1:  # one task: a binary classifier's (n, 2) or p(bound) (n,)
        y_true, proba = y_true[:, None], (proba[:, 1:] if proba.ndim == 2 else proba[:, None])
    if proba.shape != y_true.shape:
        raise ValueError(f"task_scores: labels of shape {y_true.shape} but probabilities of "
                         f"shape {proba.shape}; give one probability per label.")
    names = list(tasks) if tasks is not None else [f"task_{i}" for i in range(y_true.shape[1])]
    rows = []
    for column, name in enumerate(names):
        known = ~np.isnan(y_true[:, column])
        labels, scores = y_true[known, column], proba[known, column]
        both = len(np.unique(labels)) == 2
        rows.append({
            "task": name, "n": int(known.sum()), "positives": int(labels.sum()),
            "auc": float(roc_auc_score(labels, scores)) if both else float("nan"),
            "auprc": float(average_precision_score(labels, scores)) if both else float("nan"),
        })
    return rows


def mean_auc(y_true: object, proba: object) -> float:
    """The mean ROC AUC over the tasks that hold both classes (NaN if none).

    Examples
    --------
    >>> mean_auc(np.array([[0, 1], [1, 1]]), np.array([[0.2, 0.5], [0.9, 0.5]]))
    1.0
    """
    aucs = [row["auc"] for row in task_scores(y_true, proba)]
    return float(np.nanmean(aucs)) if not np.isnan(aucs).all() else float("nan")
