"""Figures of dependencies: spacing/order scans and interaction matrices."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def plot_motif_spacing(scans: Mapping[str, object], *, strands: str = "+/+",
                       title: str | None = None):
    """Log-odds (top) and interaction (bottom) against the gap between two
    motifs, one panel per order, one line per model, with the standard
    error over backgrounds as a band.

    Parameters
    ----------
    scans : dict of name -> DataFrame
        :func:`~sklearn_demo.motif_spacing` results, one per model.
    strands : str, default="+/+"
        The strand pair drawn, for scans with both orientations.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> scan = pd.DataFrame({"order": ["first-second", "second-first"] * 2,
    ...                      "strands": ["+/+"] * 4, "spacing": [0, 0, 5, 5],
    ...                      "logit": [1.0, -1, 2, -1], "logit_sem": [0.1] * 4,
    ...                      "interaction": [0.5, 0, 1, 0], "interaction_sem": [0.1] * 4})
    >>> len(plot_motif_spacing({"CNN": scan}).axes)
    4
    """
    import matplotlib.pyplot as plt

    orders = ("first-second", "second-first")
    fig, axes = plt.subplots(2, 2, figsize=(10, 5.5), sharex=True, sharey="row",
                             constrained_layout=True)
    for name, scan in scans.items():
        scan = scan[scan["strands"] == strands]
        for column, order in enumerate(orders):
            rows = scan[scan["order"] == order].sort_values("spacing")
            for row, (value, label) in enumerate((("logit", "log-odds"),
                                                  ("interaction", "interaction"))):
                ax = axes[row, column]
                x, y = rows["spacing"].to_numpy(), rows[value].to_numpy()
                line, = ax.plot(x, y, label=name, lw=1.6)
                sem = rows[f"{value}_sem"].to_numpy()
                if np.isfinite(sem).all():
                    ax.fill_between(x, y - sem, y + sem, color=line.get_color(), alpha=0.2,
                                    lw=0)
                ax.axhline(0, color="0.6", lw=0.8)
                ax.set_ylabel(label if column == 0 else "")
                if row == 0:
                    ax.set_title(f"{order.replace('-', ' then ')}")
                else:
                    ax.set_xlabel("gap between the motifs (bases)")
    axes[0, 0].legend(frameon=False)
    if title:
        fig.suptitle(title)
    return fig


def plot_site_interactions(matrix: np.ndarray, sites: Sequence[tuple[int, int]], *,
                           ax=None, title: str | None = None):
    """A site-interaction matrix as a heat map (diagonal: main effects;
    red: sites that act together, blue: either will do), sites labelled by
    their span.

    Examples
    --------
    >>> fig = plot_site_interactions(np.array([[2.0, 1.5], [1.5, 1.0]]), [(10, 20), (50, 60)])
    >>> len(fig.axes)
    2
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(4, 3.4), constrained_layout=True)
    else:
        fig = ax.figure
    limit = max(float(np.abs(matrix).max()), 1e-9)
    image = ax.imshow(matrix, cmap="RdBu_r", vmin=-limit, vmax=limit)
    labels = [f"{start + 1}-{end}" for start, end in sites]
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    fig.colorbar(image, ax=ax, label="log-odds")
    if title:
        ax.set_title(title)
    return fig
