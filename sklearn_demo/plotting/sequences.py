"""Figures along a sequence: logos, attribution and mutation maps, temporal
scores, motif logos."""
from __future__ import annotations

import functools
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

from ..motifs import MotifMatch, information_content


#: Letter colours of logomaker's "classic" scheme, the usual DNA logo colours.
LETTER_COLORS = {"A": (0.0, 0.5, 0.0), "C": (0.0, 0.0, 1.0), "G": (1.0, 0.65, 0.0),
                  "T": (1.0, 0.0, 0.0)}


@functools.cache
def letter_outline(letter: str) -> Path:
    """``letter``'s outline in bold sans-serif, stretched to fill the unit
    square. Laid out once per letter and then only transformed: laying text
    out for every glyph (logomaker makes two text paths per glyph, 4 ms) made
    logos the slowest part of writing the dashboard."""
    path = TextPath((0, 0), letter, size=1,
                    prop=FontProperties(family="sans-serif", weight="bold"))
    box = path.get_extents()
    return (Affine2D().translate(-box.xmin, -box.ymin).scale(1 / box.width, 1 / box.height)
            .transform_path(path))


def _logo(matrix: np.ndarray, ax: plt.Axes, *, ylabel: str) -> None:
    """Draw a (4, L) matrix as a sequence logo: at each position each base's
    letter is as tall as its value, stacked out from the baseline with the
    largest furthest out, above it for positive values and upside down below
    it for negative ones (logomaker's layout, in one collection of paths)."""
    matrix = np.asarray(matrix, dtype=float)
    letters, colors = [], []
    lowest = highest = 0.0
    for position, column in enumerate(matrix.T):
        for sign in (1.0, -1.0):
            edge = 0.0
            for base in np.argsort(sign * column):  # nearest the baseline first
                height = sign * column[base]
                if height <= 0:
                    continue
                letter = "ACGT"[base]
                place = Affine2D().scale(0.9, sign * height).translate(position - 0.45, edge)
                letters.append(PathPatch(place.transform_path(letter_outline(letter))))
                colors.append(LETTER_COLORS[letter])
                edge += sign * height
            lowest, highest = min(lowest, edge), max(highest, edge)
    ax.add_collection(PatchCollection(letters, facecolors=colors, edgecolors="none"))
    ax.axhline(0.0, color="black", linewidth=0.5)
    ax.set_ylim(lowest, highest if highest > lowest else 1.0)  # an all-zero matrix: empty
    ax.set_ylabel(ylabel)
    ax.set_xlim(-0.5, matrix.shape[1] - 0.5)


def _letter_axis(ax: plt.Axes, sequence: str, length: int) -> None:
    """Write the sequence's letters under the x axis (up to 120 bases), one
    under each position, at a size that reads at 100% zoom.

    Written as text artists, not as tick labels: matplotlib lays every tick
    label out again at each pass of the constrained layout, which made saving
    a figure several times slower. The letters are left out of the layout
    (the x label's pad keeps their room), so it does not measure each text
    at every pass either."""
    if sequence and length <= 120:
        ax.tick_params(axis="x", bottom=False, labelbottom=False)
        below = ax.get_xaxis_transform()  # x in data, y in axes coordinates
        for position, letter in enumerate(sequence[:length]):
            ax.text(position, -0.03, letter, transform=below, ha="center", va="top",
                    fontsize=8, family="monospace", in_layout=False)
        ax.set_xlabel("position", labelpad=12)
    else:
        ax.set_xlabel("position")


def _track_figure(length: int, height_ratios: Sequence[float], height: float):
    """A figure of stacked tracks over one x axis, with a narrow column on
    the right for colour bars, so every track spans exactly the same width
    (a colour bar never takes width from one track only).

    Returns the figure, the track axes (top to bottom) and the colour-bar
    axes beside each track (hidden unless used).
    """
    fig = plt.figure(figsize=(max(6.0, length * 0.16), height), layout="constrained")
    grid = fig.add_gridspec(len(height_ratios), 2, height_ratios=height_ratios,
                            width_ratios=[1, 0.015])
    tracks = []
    for row in range(len(height_ratios)):
        tracks.append(fig.add_subplot(grid[row, 0], sharex=tracks[0] if tracks else None))
    bars = [fig.add_subplot(grid[row, 1]) for row in range(len(height_ratios))]
    for bar in bars:
        bar.set_axis_off()
    for ax in tracks[:-1]:
        ax.tick_params(axis="x", labelbottom=False)
    return fig, tracks, bars


def _colorbar(fig: plt.Figure, image, bar_ax: plt.Axes | None, label: str,
              beside: plt.Axes) -> None:
    """A labelled colour bar in its own column, or beside ``beside`` when the
    caller's axes leave no column for it."""
    if bar_ax is None:
        fig.colorbar(image, ax=beside).set_label(label, fontsize=8)
        return
    bar_ax.set_axis_on()
    fig.colorbar(image, cax=bar_ax).set_label(label, fontsize=8)


def given_axes(ax: object, n: int) -> list[plt.Axes]:
    """The caller's ``ax`` (one Axes or a sequence of them) as a list of
    ``n``, so every plot function can draw into a figure of the user's."""
    axes = [ax] if isinstance(ax, plt.Axes) else list(np.ravel(np.asarray(ax, dtype=object)))
    if len(axes) != n or not all(isinstance(a, plt.Axes) for a in axes):
        raise ValueError(f"ax must be {n} matplotlib Axes for this figure, got {ax!r}.")
    return axes


def _shade_sites(axes: Sequence[plt.Axes], sites: Sequence[tuple], *,
                 outline: Sequence[plt.Axes] = ()) -> None:
    """Mark each (name, start, end, ...) site on every axis and name it on the
    first: a light band behind line and logo plots, an outline (no fill, so
    colours stay true) on the heatmaps in ``outline``."""
    for site in sites:
        for ax in axes:
            ax.axvspan(site[1] - 0.5, site[2] - 0.5, color="gold", alpha=0.3, lw=0, zorder=-1)
        for ax in outline:
            ax.axvspan(site[1] - 0.5, site[2] - 0.5, fill=False, edgecolor="black", lw=1.2,
                       ls="--")
        axes[0].annotate(str(site[0]), (site[1], 1.0), xycoords=("data", "axes fraction"),
                         fontsize=8, va="bottom")


def plot_saliency(
    attributions: np.ndarray,
    sequence: str,
    *,
    sites: Sequence[tuple] = (),
    title: str | None = None,
    value_label: str = "attribution",
    ax: Sequence[plt.Axes] | None = None,
) -> plt.Figure:
    """Saliency of one sequence: a logo of the attributions at the present
    bases above a heatmap of all four nucleotides, DeMo's two views, on one
    x axis (position ``j`` of the logo is column ``j`` of the heatmap).

    Parameters
    ----------
    attributions : ndarray of shape (4, L)
        One sequence's output of :class:`SaliencyExplainer`.
    sequence : str
        The sequence, for the heatmap's x tick labels.
    sites : sequence of (name, start, end, ...) tuples
        Known sites (e.g. planted motifs): shaded behind the logo, outlined
        on the heatmap.
    title : str, optional
    value_label : str, default="attribution"
        What the values are, for the logo's axis and the colour bar.
    ax : (logo Axes, heatmap Axes), optional
        Draw into these (e.g. of a figure of your own); by default a new
        figure whose two tracks share one x axis.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> fig = plot_saliency(np.random.rand(4, 20), "ACGT" * 5, sites=[("x", 3, 8)])
    >>> fig.draw_without_rendering()
    >>> logo, heatmap = fig.axes[:2]
    >>> bool(logo.get_position().x1 == heatmap.get_position().x1)
    True
    """
    attributions = np.asarray(attributions, dtype=float)
    return _logo_over_heatmap(attributions * _present(sequence, attributions.shape[1]),
                              attributions, sequence, sites=sites, title=title,
                              logo_label=value_label, value_label=value_label, ax=ax)


def plot_mutation_map(
    effects: np.ndarray,
    sequence: str,
    *,
    sites: Sequence[tuple] = (),
    title: str | None = None,
    value_label: str = "change in logit",
    ax: Sequence[plt.Axes] | None = None,
) -> plt.Figure:
    """DeepBind's mutation map of one sequence: the effect of every
    substitution at every position (heatmap; 0 at the present base) under a
    logo whose letters (the present bases) are as tall as the largest loss a
    substitution there causes.

    Parameters
    ----------
    effects : ndarray of shape (4, L)
        ``score(mutant) - score(sequence)`` per base and position, e.g.
        ``SaliencyExplainer(method="ism", class_score="logit")``'s output.
    sequence : str
    sites : sequence of (name, start, end, ...) tuples
        Positions to mark (a variant, a motif site).
    title : str, optional
    value_label : str, default="change in logit"
    ax : (logo Axes, heatmap Axes), optional

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> effects = -np.random.rand(4, 12)
    >>> fig = plot_mutation_map(effects, "ACGTACGTACGT", sites=[("rs1", 5, 6)])
    >>> fig.axes[0].get_ylabel()
    'largest loss'
    """
    effects = np.asarray(effects, dtype=float)
    loss = np.clip(-effects.min(axis=0), 0, None)
    return _logo_over_heatmap(loss * _present(sequence, effects.shape[1]), effects, sequence,
                              sites=sites, title=title, logo_label="largest loss",
                              value_label=value_label, ax=ax)


def _present(sequence: str, length: int) -> np.ndarray | int:
    """(4, L) one-hot of ``sequence`` (1 where there is none)."""
    from ..encoding import one_hot_encode

    return one_hot_encode([sequence], padding="right", length=length)[0] if sequence else 1


def _logo_over_heatmap(logo: np.ndarray, heatmap: np.ndarray, sequence: str, *, sites,
                       title: str | None, logo_label: str, value_label: str,
                       ax: Sequence[plt.Axes] | None) -> plt.Figure:
    """A logo track above a diverging (4, L) heatmap on one x axis."""
    length = heatmap.shape[1]
    if ax is None:
        fig, (logo_ax, heat_ax), (_, bar_ax) = _track_figure(length, [1.3, 1], 3.8)
    else:
        (logo_ax, heat_ax), bar_ax = given_axes(ax, 2), None
        fig = logo_ax.figure
    _logo(logo, logo_ax, ylabel=logo_label)
    limit = np.abs(heatmap).max() or 1.0
    image = heat_ax.imshow(heatmap, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit,
                           interpolation="nearest")
    heat_ax.set_yticks(range(4), list("ACGT"))
    _letter_axis(heat_ax, sequence, length)
    _shade_sites([logo_ax], sites, outline=[heat_ax])
    _colorbar(fig, image, bar_ax, value_label, heat_ax)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_temporal_scores(
    scores: np.ndarray,
    sequence: str,
    *,
    sites: Sequence[tuple] = (),
    title: str | None = None,
    score_label: str = "p(bound)",
    ax: Sequence[plt.Axes] | None = None,
) -> plt.Figure:
    """Forward and backward temporal output scores as curves and as DeMo's
    heatmap strips, aligned with the sequence letters.

    Parameters
    ----------
    scores : ndarray of shape (2, L)
        One sequence's output of :class:`TemporalScorer`.
    sequence : str
    sites : sequence of (name, start, end, ...) tuples
    title : str, optional
    score_label : str, default="p(bound)"
        What the scores are: p of the explained class.
    ax : (curves Axes, strips Axes), optional
        Draw into these; by default a new figure.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> fig = plot_temporal_scores(np.random.rand(2, 12), "ACGTACGTACGT")
    >>> fig.axes[0].get_ylabel()
    'p(bound)'
    """
    scores = np.asarray(scores, dtype=float)
    length = scores.shape[1]
    if ax is None:
        fig, (curve_ax, strip_ax), (_, bar_ax) = _track_figure(length, [2, 0.8], 3.4)
    else:
        (curve_ax, strip_ax), bar_ax = given_axes(ax, 2), None
        fig = curve_ax.figure
    positions = np.arange(length)
    curve_ax.plot(positions, scores[0], label="forward (read 1..i)", color="tab:blue")
    curve_ax.plot(positions, scores[1], label="backward (read i..L)", color="tab:orange")
    curve_ax.set_ylim(-0.02, 1.02)
    curve_ax.set_ylabel(score_label)
    curve_ax.legend(fontsize=8, loc="best")
    image = strip_ax.imshow(scores, aspect="auto", cmap="viridis", vmin=0, vmax=1,
                            interpolation="nearest")
    strip_ax.set_yticks([0, 1], ["fwd", "bwd"])
    _letter_axis(strip_ax, sequence, length)
    _shade_sites([curve_ax], sites, outline=[strip_ax])
    _colorbar(fig, image, bar_ax, score_label, strip_ax)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_motif(
    pwm: np.ndarray,
    *,
    matches: Sequence[MotifMatch] = (),
    reference: np.ndarray | None = None,
    title: str | None = None,
    ax: plt.Axes | Sequence[plt.Axes] | None = None,
) -> plt.Figure:
    """A probability matrix as an information-content logo, with its best
    JASPAR matches listed and, if given, the best match's own logo beside it.

    Parameters
    ----------
    pwm : ndarray of shape (4, width)
    matches : sequence of MotifMatch
    reference : ndarray of shape (4, w), optional
        The best match's matrix, drawn on the right.
    title : str, optional
    ax : Axes, or two with ``reference``, optional
        Draw into these; by default a new figure.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> fig = plot_motif(np.full((4, 6), 0.25))
    >>> len(fig.axes)
    1
    """
    pwm = np.asarray(pwm, dtype=float)
    panels = 2 if reference is not None else 1
    if ax is None:
        fig, grid = plt.subplots(1, panels, figsize=(3 + 0.3 * pwm.shape[1] * panels, 2.4),
                                 squeeze=False)
        axes = list(grid[0])
    else:
        axes = given_axes(ax, panels)
        fig = axes[0].figure
    _logo(pwm * information_content(pwm), axes[0], ylabel="bits")
    axes[0].set_ylim(0, 2)
    label = "\n".join(f"{m.name} ({m.matrix_id}) {m.evidence}" for m in matches[:3])
    axes[0].set_title(label or (title or ""), fontsize=7, loc="left")
    if reference is not None:
        _logo(reference * information_content(reference), axes[1], ylabel="bits")
        axes[1].set_ylim(0, 2)
        axes[1].set_title(f"JASPAR {matches[0].name}" if matches else "reference", fontsize=8)
    if title and label:
        fig.suptitle(title, fontsize=9)
    if ax is None:
        fig.tight_layout()
    return fig


def plot_logo_grid(
    pwms: Sequence[np.ndarray | None],
    titles: Sequence[str],
    *,
    ncols: int = 4,
    ax: Sequence[plt.Axes] | None = None,
) -> plt.Figure:
    """Several probability matrices as information-content logos on a grid.

    Parameters
    ----------
    pwms : sequence of ndarray of shape (4, width), or None
        None leaves its cell empty except for its title (e.g. "not found").
    titles : sequence of str
        One per matrix.
    ncols : int, default=4
    ax : sequence of Axes, one per matrix, optional
        Draw into these instead of a new grid.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> fig = plot_logo_grid([np.full((4, 6), 0.25), None], ["flat", "missing"], ncols=2)
    >>> len(fig.axes)
    2
    """
    if len(pwms) != len(titles):
        raise ValueError(f"got {len(pwms)} matrices but {len(titles)} titles.")
    if ax is None:
        nrows = max(1, -(-len(pwms) // ncols))
        fig, grid = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 1.9 * nrows), squeeze=False)
        cells = list(grid.ravel())
        for spare in cells[len(pwms):]:
            spare.axis("off")
    else:
        cells = given_axes(ax, len(pwms))
        fig = cells[0].figure
    for cell, pwm, title in zip(cells, pwms, titles):
        cell.set_title(title, fontsize=8, loc="left")
        if pwm is None:
            cell.set_xticks([])
            cell.set_yticks([])
            cell.text(0.5, 0.5, "none", ha="center", va="center", color="grey",
                      transform=cell.transAxes)
            continue
        pwm = np.asarray(pwm, dtype=float)
        _logo(pwm * information_content(pwm), cell, ylabel="bits")
        cell.set_ylim(0, 2)
    if ax is None:
        fig.tight_layout()
    return fig
