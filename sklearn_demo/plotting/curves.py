"""Figures of several models at once: test-set curves and motif order effects."""
from __future__ import annotations

import warnings
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from .sequences import given_axes


def plot_roc_pr(curves: dict[str, tuple[np.ndarray, np.ndarray]], *,
                ax: Sequence[plt.Axes] | None = None) -> plt.Figure:
    """ROC and precision-recall curves of several models, side by side.

    Parameters
    ----------
    curves : dict of name -> (y_true, y_score)
        ``y_true`` is 1 for the positive class, ``y_score`` the model's score.
    ax : (ROC Axes, PR Axes), optional
        Draw into these; by default a new figure.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> fig = plot_roc_pr({"toy": (np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 0.6, 0.3]))})
    >>> len(fig.axes)
    2
    """
    from sklearn.metrics import PrecisionRecallDisplay, RocCurveDisplay

    if ax is None:
        fig, (roc_ax, pr_ax) = plt.subplots(1, 2, figsize=(10, 4.2))
    else:
        roc_ax, pr_ax = given_axes(ax, 2)
        fig = roc_ax.figure
    for name, (y_true, y_score) in curves.items():
        RocCurveDisplay.from_predictions(y_true, y_score, name=name, ax=roc_ax)
        PrecisionRecallDisplay.from_predictions(y_true, y_score, name=name, ax=pr_ax)
    roc_ax.plot([0, 1], [0, 1], ls=":", color="grey")
    roc_ax.set_title("ROC on the test set")
    pr_ax.set_title("Precision-recall on the test set")
    roc_ax.legend(fontsize=8, loc="lower right")
    pr_ax.legend(fontsize=8, loc="lower left")
    if ax is None:
        fig.tight_layout()
    return fig


def plot_order_effect(effects: dict[str, object], *, flank: int = 30,
                      ax: Sequence[plt.Axes] | None = None) -> plt.Figure:
    """Mean forward temporal score around the second of two motifs, with the
    first motif read before it and with the first motif erased; one panel per
    model.

    Parameters
    ----------
    effects : dict of model name -> :class:`~sklearn_demo.explain.OrderEffect`
    flank : int, default=30
        Positions shown before the second site's start and after its end.
    ax : sequence of Axes, one per model, optional
        Draw into these; by default a new figure.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> from sklearn_demo.explain import OrderEffect
    >>> forward = np.linspace(0, 1, 50)[None].repeat(3, 0)
    >>> effect = OrderEffect(np.ones(3), np.zeros(3), np.ones(3), np.zeros(3), forward,
    ...                      forward / 2, np.array([[20, 30]] * 3))
    >>> len(plot_order_effect({"model": effect}).axes)
    1
    """
    if ax is None:
        fig, grid = plt.subplots(1, len(effects), figsize=(4.2 * len(effects), 3.2),
                                 squeeze=False, sharey=True)
        panels = list(grid[0])
    else:
        panels = given_axes(ax, len(effects))
        fig = panels[0].figure
    for panel, (name, effect) in zip(panels, effects.items()):
        starts, ends = effect.second_sites[:, 0], effect.second_sites[:, 1]
        width = int(np.median(ends - starts))
        offsets = np.arange(-flank, width + flank)
        for scores, label, color in [(effect.forward, "first motif read before", "tab:blue"),
                                     (effect.forward_alone, "first motif erased",
                                      "tab:gray")]:
            index = starts[:, None] + offsets[None, :]
            inside = (index >= 0) & (index < scores.shape[1])
            values = np.where(inside, scores[np.arange(len(scores))[:, None],
                                             index.clip(0, scores.shape[1] - 1)], np.nan)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column
                panel.plot(offsets, np.nanmean(values, axis=0), label=label, color=color)
        panel.axvspan(0, width, color="tab:green", alpha=0.15, label="second motif")
        panel.set_title(f"{name}\nforward jump: {effect.forward_jump.mean():+.2f} with, "
                     f"{effect.forward_jump_alone.mean():+.2f} without", fontsize=9)
        panel.set_xlabel("position relative to the second motif")
        panel.set_ylim(-0.02, 1.02)
    panels[0].set_ylabel("mean forward p(bound)")
    panels[-1].legend(fontsize=7, loc="best")
    if ax is None:
        fig.tight_layout()
    return fig
