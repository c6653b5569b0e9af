"""Scoring every model of a dashboard run on the test set."""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from ..labels import check_known_labels, positive_class, positive_proba


class Curve(NamedTuple):
    """One model's test labels (1 = positive class) and p(positive class)."""

    y_true: np.ndarray
    score: np.ndarray


class TestScores(NamedTuple):
    """Test metrics of every model (one row each) and the curves behind them."""

    rows: list[dict]
    """Per model: test AUC and AUPRC, training and prediction seconds."""
    curves: dict[str, Curve]
    """Per model name: its test labels and scores, for ROC and PR curves."""


def score_models(
    models: Mapping[str, object], X: np.ndarray, y: np.ndarray,
    training: Mapping[str, Mapping[str, float]] | None = None,
) -> TestScores:
    """Test AUC and AUPRC of each model, and its (y_true, score) for curves.

    Examples
    --------
    >>> from sklearn_demo.dashboard import load_dashboard_data, score_models, train_models
    >>> data = load_dashboard_data(n_samples=60)
    >>> models, training = train_models(["kmer"], data, log=lambda _: None)
    >>> scores = score_models(models, data.X_test, data.y_test, training)
    >>> sorted(scores.rows[0])
    ['model', 'predict_seconds', 'test_auc', 'test_auprc', 'train_seconds', 'train_sequences']
    """
    rows, curves = [], {}
    for name, model in models.items():
        start = time.perf_counter()
        score = positive_proba(model, X)
        predict_s = time.perf_counter() - start
        check_known_labels(model, y, what="the test sequences")
        positive = (np.asarray(y) == positive_class(model)).astype(int)
        row = {"model": name, "test_auc": float(roc_auc_score(positive, score)),
               "test_auprc": float(average_precision_score(positive, score))}
        if training is not None:
            row["train_seconds"] = round(training[name]["train_seconds"], 1)
            row["train_sequences"] = training[name]["train_sequences"]
        rows.append({**row, "predict_seconds": round(predict_s, 3)})
        curves[name] = Curve(positive, score)
    return TestScores(rows, curves)

