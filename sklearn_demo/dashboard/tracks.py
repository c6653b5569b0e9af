"""Bokeh glyph data for the app's tracks: logos, heat maps and motif logos.

Functions here turn (4, L) matrices into the columns of Bokeh
``ColumnDataSource`` objects; the app only swaps those columns when the
sequence changes, so the browser redraws without rebuilding a figure.
"""
from __future__ import annotations

import functools

import numpy as np

from ..plotting import _LETTER_COLORS, _letter_outline

BASES = "ACGT"

#: Letter colours of the logos as hex, the report's (logomaker's "classic").
LETTER_HEX = {base: "#%02x%02x%02x" % tuple(int(round(255 * c)) for c in rgb)
              for base, rgb in _LETTER_COLORS.items()}


@functools.cache
def _letter_rings(letter: str) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """``letter``'s outline in the unit square as (x, y) rings, the outer one
    first and its holes after it (the "A"'s triangle), as Bokeh's
    ``multi_polygons`` wants them."""
    rings = [ring for ring in _letter_outline(letter).to_polygons() if len(ring) > 2]

    def area(ring: np.ndarray) -> float:
        x, y = ring[:, 0], ring[:, 1]
        return abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))) / 2

    rings.sort(key=area, reverse=True)
    return tuple((ring[:, 0].copy(), ring[:, 1].copy()) for ring in rings)


def logo_glyphs(matrix: np.ndarray) -> dict[str, list]:
    """Columns ``xs``, ``ys``, ``color``, ``base``, ``position`` and ``value``
    of a ``multi_polygons`` glyph drawing the (4, L) ``matrix`` as a logo on
    1-based positions (the letter of position i spans i +- 0.45): each base's letter as tall as its value, stacked out from zero with
    the largest furthest out, upside down below zero for negative values (the
    layout of :func:`~sklearn_demo.plotting.plot_saliency`).

    Examples
    --------
    >>> glyphs = logo_glyphs(np.array([[1.0], [0.0], [-0.5], [0.0]]))
    >>> glyphs["base"], glyphs["value"]
    (['A', 'G'], [1.0, -0.5])
    """
    matrix = np.asarray(matrix, dtype=float)
    columns = {key: [] for key in ("xs", "ys", "color", "base", "position", "value")}
    for position, column in enumerate(matrix.T):
        for sign in (1.0, -1.0):
            edge = 0.0
            for base in np.argsort(sign * column, kind="stable"):
                height = sign * column[base]
                if height <= 0:
                    continue
                letter = BASES[base]
                rings = _letter_rings(letter)
                columns["xs"].append([[position + 0.55 + 0.9 * x for x, _ in rings]])
                columns["ys"].append([[edge + sign * height * y for _, y in rings]])
                columns["color"].append(LETTER_HEX[letter])
                columns["base"].append(letter)
                columns["position"].append(position + 1)
                columns["value"].append(float(column[base]))
                edge += sign * height
    return columns


def heatmap_cells(matrix: np.ndarray, sequence: str) -> dict[str, list]:
    """Columns of a ``rect`` glyph with one cell per position and base, in
    the order position by position, A C G T within each: ``x`` (1-based
    position), ``y`` (base), ``value`` and ``present`` (the sequence's base
    at that position).

    Examples
    --------
    >>> cells = heatmap_cells(np.arange(8.0).reshape(4, 2), "AC")
    >>> cells["x"][:5], cells["y"][:4], cells["value"][:4], cells["present"][4]
    ([1, 1, 1, 1, 2], ['A', 'C', 'G', 'T'], [0.0, 2.0, 4.0, 6.0], 'C')
    """
    matrix = np.asarray(matrix, dtype=float)
    length = matrix.shape[1]
    positions = np.repeat(np.arange(length), 4)
    return {"x": (positions + 1).tolist(), "y": list(BASES) * length,
            "value": matrix.T.ravel().tolist(), "present": [sequence[i] for i in positions]}


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
