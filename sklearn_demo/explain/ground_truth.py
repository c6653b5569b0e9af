"""Scores of explanations against known ground truth (planted motifs)."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score


def position_importance(attributions: np.ndarray, method: str) -> np.ndarray:
    """One importance per position, shape (n, L), from (n, 4, L) attributions.

    ISM scores are the largest loss a substitution causes (``-min`` over
    bases); the others are the summed magnitude over the four bases.

    Examples
    --------
    >>> position_importance(np.array([[[1.0, -2.0], [0, 0], [0, 0], [0, 0]]]), "saliency")
    array([[1., 2.]])
    """
    if method == "ism":
        return -attributions.min(axis=1)
    return np.abs(attributions).sum(axis=1)


def site_auroc(importance: np.ndarray, mask: np.ndarray) -> float:
    """AUROC of per-position importance for "inside a planted site" vs outside.

    0.5 is chance; 1.0 ranks every planted position above every other.

    Examples
    --------
    >>> site_auroc(np.array([[0.1, 0.9, 0.8, 0.2]]), np.array([[0, 1, 1, 0]], dtype=bool))
    1.0
    """
    return float(roc_auc_score(np.asarray(mask).ravel(), np.asarray(importance).ravel()))


def temporal_rise(scores: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    """Mean increase of the forward score at positions inside planted sites
    and outside them, from (n, 2, L) temporal scores.

    Examples
    --------
    >>> scores = np.array([[[0.1, 0.1, 0.9, 0.9], [0.9, 0.9, 0.9, 0.1]]])
    >>> temporal_rise(scores, np.array([[0, 0, 1, 0]], dtype=bool))
    (0.8, 0.0)
    """
    forward = scores[:, 0]
    steps = np.diff(forward, axis=1, prepend=forward[:, :1])
    mask = np.asarray(mask, dtype=bool)
    return float(steps[mask].mean()), float(steps[~mask].mean())
