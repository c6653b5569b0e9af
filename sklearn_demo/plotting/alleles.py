"""Both alleles of a variant, base by base: what each base contributes to
the log-odds with the reference and with the alternative allele, aligned
across an indel."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .sequences import LETTER_COLORS


def plot_allele_attributions(ref_map: np.ndarray, alt_map: np.ndarray, ref_track: str,
                             alt_track: str, *, title: str | None = None) -> plt.Figure:
    """Two bar rows on one x axis: each column's contribution (the present
    base's attribution, the sum over the four rows of an input-times-gradient
    map) with the reference and with the alternative allele, from
    :func:`~sklearn_demo.variant_attributions.allele_attributions`. A gap
    (``-``) or a column past a window's end has no bar; the bases label the
    columns and bars take their base's colour.

    Examples
    --------
    >>> ref = np.zeros((4, 4)); ref[0, :2] = [0.5, -0.2]; ref[:, 2:] = np.nan
    >>> alt = np.zeros((4, 4)); alt[1, :] = [0.3, 0.1, 0.4, -0.1]
    >>> fig = plot_allele_attributions(ref, alt, "AA--", "CCCC")
    >>> len(fig.axes)
    2
    """
    fig, axes = plt.subplots(2, 1, figsize=(max(6.0, 0.18 * len(ref_track)), 3.6),
                             sharex=True, sharey=True)
    x = np.arange(len(ref_track))
    for ax, matrix, track, label in ((axes[0], ref_map, ref_track, "reference"),
                                     (axes[1], alt_map, alt_track, "alternative")):
        values = np.nansum(matrix, axis=0)
        present = ~np.isnan(matrix).all(axis=0)
        colors = [LETTER_COLORS.get(letter, (0.5, 0.5, 0.5)) for letter in track]
        ax.bar(x[present], values[present], color=[c for c, p in zip(colors, present) if p],
               width=0.85)
        ax.axhline(0, color="0.6", linewidth=0.6)
        ax.set_ylabel(f"{label}\ncontribution", fontsize=8)
        ax.set_xticks(x)
        ax.set_xticklabels(list(track), fontsize=6, family="monospace")
        ax.tick_params(axis="x", length=0, labelbottom=True)
    if title:
        axes[0].set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
