"""Bokeh glyph data for the app's tracks: logos, heat maps and motif logos.

Functions here turn (4, L) matrices into the columns of Bokeh
``ColumnDataSource`` objects; the app only swaps those columns when the
sequence changes, so the browser redraws without rebuilding a figure.
"""
from __future__ import annotations

import functools

import numpy as np

from ..plotting import LETTER_COLORS, letter_outline

BASES = "ACGT"

#: Letter colours of the logos as hex, the report's (logomaker's "classic").
LETTER_HEX = {base: "#%02x%02x%02x" % tuple(int(round(255 * c)) for c in rgb)
              for base, rgb in LETTER_COLORS.items()}


#: The patches of a logo: one per letter colour, then the holes (the "A"'s
#: triangle) drawn over them in the background colour.
LOGO_LAYERS = (*BASES, "hole")


@functools.cache
def _letter_rings(letter: str) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """``letter``'s outline in the unit square: its outer ring and its holes
    (the "A"'s triangle), each an (n, 2) array of points."""
    rings = [ring for ring in letter_outline(letter).to_polygons() if len(ring) > 2]

    def area(ring: np.ndarray) -> float:
        x, y = ring[:, 0], ring[:, 1]
        return abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))) / 2

    rings.sort(key=area, reverse=True)
    return rings[0], tuple(rings[1:])


def logo_patches(matrix: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """The (4, L) ``matrix`` as a logo on 1-based positions, as the columns
    ``x`` and ``y`` of one Bokeh ``patch`` glyph per layer of
    ``LOGO_LAYERS`` (letters separated by NaN, so each layer is two flat
    arrays that travel to the browser as binary). At each position each
    base's letter is as tall as its value, stacked out from zero with the
    largest furthest out, upside down below zero for negative values (the
    layout of :func:`~sklearn_demo.plotting.plot_saliency`).

    Examples
    --------
    >>> layers = logo_patches(np.array([[1.0], [0.0], [-0.5], [0.0]]))
    >>> float(np.nanmax(layers["A"]["y"])), float(np.nanmin(layers["G"]["y"]))
    (1.0, -0.5)
    >>> len(layers["C"]["x"]), bool(len(layers["hole"]["x"]))
    (0, True)
    """
    matrix = np.asarray(matrix, dtype=float)
    parts: dict[str, list[np.ndarray]] = {layer: [] for layer in LOGO_LAYERS}
    gap = np.array([[np.nan, np.nan]])
    for position, column in enumerate(matrix.T):
        for sign in (1.0, -1.0):
            edge = 0.0
            for base in np.argsort(sign * column, kind="stable"):
                height = sign * column[base]
                if height <= 0 or not np.isfinite(height):
                    continue
                letter = BASES[base]
                outer, holes = _letter_rings(letter)
                for layer, ring in [(letter, outer)] + [("hole", hole) for hole in holes]:
                    placed = np.column_stack([position + 0.55 + 0.9 * ring[:, 0],
                                              edge + sign * height * ring[:, 1]])
                    parts[layer] += [placed, gap]
                edge += sign * height
    layers = {}
    for layer, pieces in parts.items():
        points = np.concatenate(pieces[:-1]) if pieces else np.zeros((0, 2))
        layers[layer] = {"x": points[:, 0].copy(), "y": points[:, 1].copy()}
    return layers


def heatmap_cells(matrix: np.ndarray, sequence: str) -> dict[str, list]:
    """Columns of a ``rect`` glyph with one cell per position and base, in
    the order position by position, A C G T within each: ``x`` (1-based
    position), ``y`` (the row: 3 for A down to 0 for T), ``value``, ``base``
    and ``present`` (the sequence's base there). Numbers are arrays, which
    travel to the browser as binary.

    Examples
    --------
    >>> cells = heatmap_cells(np.arange(8.0).reshape(4, 2), "AC")
    >>> cells["x"][:5].tolist(), cells["y"][:4].tolist(), cells["value"][:4].tolist()
    ([1, 1, 1, 1, 2], [3, 2, 1, 0], [0.0, 2.0, 4.0, 6.0])
    >>> cells["base"][:4], cells["present"][4]
    (['A', 'C', 'G', 'T'], 'C')
    """
    matrix = np.asarray(matrix, dtype=float)
    length = matrix.shape[1]
    positions = np.repeat(np.arange(length), 4)
    return {"x": positions + 1, "y": np.tile(np.arange(3, -1, -1), length),
            "value": matrix.T.ravel(), "base": list(BASES) * length,
            "present": [sequence[i] for i in positions]}


def symmetric_limit(*matrices: np.ndarray | None) -> float:
    """The largest absolute value over the matrices (1 when all are zero or
    absent), for a colour scale centred on 0.

    Examples
    --------
    >>> symmetric_limit(np.array([[-2.0, 1.0]]), None)
    2.0
    """
    values = [float(np.abs(m).max()) for m in matrices if m is not None and m.size]
    limit = max(values, default=0.0)
    return limit if limit > 0 and np.isfinite(limit) else 1.0
