"""Scores of explanations against known ground truth (planted motifs)."""
from __future__ import annotations

from typing import Sequence

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


def planted_masks(sites: Sequence[Sequence[tuple]], length: int) -> dict[str, np.ndarray]:
    """Boolean (n, L) masks of planted positions: ``"all"`` sites, then one per
    motif id, from ``make_motif_dataset``'s ``sites`` lists.

    Examples
    --------
    >>> masks = planted_masks([[("MA0139", 1, 3, "+")], [("MA0062", 0, 1, "-")]], 4)
    >>> masks["all"].astype(int).tolist(), masks["MA0062"].astype(int).tolist()
    ([[0, 1, 1, 0], [1, 0, 0, 0]], [[0, 0, 0, 0], [1, 0, 0, 0]])
    """
    masks = {"all": np.zeros((len(sites), length), dtype=bool)}
    for row, row_sites in enumerate(sites):
        for motif_id, start, end, _ in row_sites:
            masks.setdefault(motif_id, np.zeros_like(masks["all"]))[row, start:end] = True
            masks["all"][row, start:end] = True
    return masks


def site_aurocs(importance: np.ndarray, sites: Sequence[Sequence[tuple]]) -> dict[str, float]:
    """AUROC of per-position importance for all planted positions vs the rest
    (``"all"``) and for each motif's positions vs the positions outside every
    site (keyed by motif id).

    The per-motif scores tell a map that misses sites from a model that does
    not use a motif: with two motifs planted in every positive, one of them
    suffices to classify, and a model that learned only that one is
    faithfully mapped with a high AUROC for it and about 0.5 for the other.

    Examples
    --------
    >>> sites = [[("A", 0, 1, "+"), ("B", 2, 3, "+")]]
    >>> site_aurocs(np.array([[0.9, 0.1, 0.2, 0.3]]), sites)
    {'all': 0.75, 'A': 1.0, 'B': 0.5}
    """
    masks = planted_masks(sites, np.shape(importance)[1])
    outside = ~masks["all"]
    return {key: site_auroc(importance[mask | outside], mask[mask | outside]) if key != "all"
            else site_auroc(importance, mask) for key, mask in masks.items()}


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
