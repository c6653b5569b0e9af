"""Bokeh glyph data for the app's tracks: logos, heat maps and motif logos.

Functions here turn (4, L) matrices into the columns of Bokeh
``ColumnDataSource`` objects; the app only swaps those columns when the
sequence changes, so the browser redraws without rebuilding a figure.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

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


#: The figures' tools: pan and zoom along the sequence, reset, save.
TOOLS = "xpan,xwheel_zoom,reset,save"


def set_columns(source, columns: Mapping[str, object]) -> None:
    """Give ``source`` these columns, sending the browser only those that
    changed when the length stays the same (an edit of one base keeps the
    positions, rows and base names of every map)."""
    current = source.data
    same_shape = set(current) == set(columns) and all(
        len(current[key]) == len(value) for key, value in columns.items())
    if not same_shape:
        source.data = dict(columns)
        return
    changed = {key: value for key, value in columns.items()
               if not np.array_equal(np.asarray(current[key]), np.asarray(value))}
    if changed:
        source.data.update(changed)


def logo_layers(fig, name: str) -> dict:
    """A ``patch`` renderer per layer of ``LOGO_LAYERS`` on ``fig``; returns
    the layers' data sources and the renderers that set the y range."""
    from bokeh.models import ColumnDataSource

    sources, renderers = {}, []
    empty = logo_patches(np.zeros((4, 0)))
    for layer in LOGO_LAYERS:
        sources[layer] = ColumnDataSource(empty[layer], name=f"{name}-logo-{layer}")
        renderers.append(fig.patch("x", "y", source=sources[layer], line_color=None,
                                   fill_color=LETTER_HEX.get(layer, "white")))
    return {"sources": sources, "renderers": renderers}


def base_rows(fig) -> None:
    """Rows 3..0 of a heat map labelled A, C, G, T."""
    from bokeh.models import FixedTicker

    fig.yaxis.ticker = FixedTicker(ticks=[0, 1, 2, 3])
    fig.yaxis.major_label_overrides = {3 - i: base for i, base in enumerate(BASES)}


class ModelTracks:
    """One model's four figures (logo, heat map, temporal scores, mutation
    map) and the data sources the session swaps on every update."""

    def __init__(self, name: str, x_range, hit_source, on_mutation_click: Callable):
        from bokeh.models import (
            ColumnDataSource, DataRange1d, HoverTool, LinearColorMapper, TapTool,
        )
        from bokeh.palettes import RdBu11
        from bokeh.plotting import figure

        palette = list(RdBu11)  # blue below zero, red above
        self.name = name
        # Named, so a browser test can read what the page holds.
        self.heat = ColumnDataSource(heatmap_cells(np.zeros((4, 0)), ""), name=f"{name}-heat")
        self.temporal = ColumnDataSource({"x": np.zeros(0), "forward": np.zeros(0),
                                          "backward": np.zeros(0)}, name=f"{name}-temporal")
        self.ism = ColumnDataSource(heatmap_cells(np.zeros((4, 0)), ""), name=f"{name}-ism")
        self.heat_colors = LinearColorMapper(palette=palette, low=-1, high=1)
        self.ism_colors = LinearColorMapper(palette=palette, low=-1, high=1)

        def track(title: str, height: int, **kwargs):
            fig = figure(title=title, height=height, x_range=x_range, tools=TOOLS,
                         sizing_mode="stretch_width", toolbar_location="right",
                         min_border_left=60, **kwargs)
            fig.xaxis.visible = False
            fig.grid.visible = False
            return fig

        self.logo_fig = track(f"{name}: attribution", 130)
        self.logo_fig.quad(left="left", right="right", bottom=-1e6, top=1e6, source=hit_source,
                           fill_color="gold", fill_alpha=0.25, line_color=None, level="underlay")
        logo = logo_layers(self.logo_fig, name)
        self.logo = logo["sources"]
        self.logo_fig.y_range = DataRange1d(renderers=logo["renderers"])

        self.heat_fig = track(f"{name}: attribution heat map", 95, y_range=(-0.5, 3.5))
        base_rows(self.heat_fig)
        self.heat_fig.rect("x", "y", 1, 1, source=self.heat, line_color=None,
                           fill_color={"field": "value", "transform": self.heat_colors})
        self.heat_fig.add_tools(HoverTool(tooltips=[
            ("position", "@x (@present)"), ("base", "@base"), ("value", "@value{0.000}")]))

        self.temporal_fig = track(f"{name}: temporal scores", 110, y_range=(0, 1))
        self.temporal_fig.quad(left="left", right="right", bottom=0, top=1, source=hit_source,
                               fill_color="gold", fill_alpha=0.25, line_color=None)
        self.temporal_fig.line("x", "forward", source=self.temporal, color="#1f77b4",
                               line_width=2, legend_label="forward (prefix 1..i)")
        self.temporal_fig.line("x", "backward", source=self.temporal, color="#d62728",
                               line_width=2, legend_label="backward (suffix i..L)")
        self.temporal_fig.legend.location = "bottom_left"
        self.temporal_fig.legend.orientation = "horizontal"
        self.temporal_fig.legend.background_fill_alpha = 0.6
        self.temporal_fig.legend.label_text_font_size = "8pt"
        self.temporal_fig.legend.padding = self.temporal_fig.legend.spacing = 2
        self.temporal_fig.yaxis.axis_label = "p(bound)"

        self.ism_fig = track(f"{name}: mutation map (Δ log-odds; click a cell to apply it)", 95,
                             y_range=(-0.5, 3.5))
        base_rows(self.ism_fig)
        cells = self.ism_fig.rect("x", "y", 1, 1, source=self.ism, line_color=None,
                                  fill_color={"field": "value", "transform": self.ism_colors},
                                  nonselection_fill_alpha=1.0)
        self.ism_fig.add_tools(TapTool(renderers=[cells]), HoverTool(tooltips=[
            ("position", "@x (@present)"), ("to", "@base"), ("Δ log-odds", "@value{0.000}")]))
        self.ism.selected.on_change("indices", lambda attr, old, new: on_mutation_click(
            self, new))

    @property
    def figures(self) -> list:
        return [self.logo_fig, self.heat_fig, self.temporal_fig, self.ism_fig]

    def update(self, reading, sequence: str, method: str, views: Sequence[str]) -> None:
        """Show ``reading`` (a :class:`~.explorer.ModelReading`) of ``sequence``."""
        self.logo_fig.visible = self.heat_fig.visible = "attribution" in views
        self.temporal_fig.visible = "temporal" in views
        self.ism_fig.visible = "mutations" in views
        if reading.attribution is not None:
            for layer, columns in logo_patches(reading.attribution).items():
                set_columns(self.logo[layer], columns)
            set_columns(self.heat, heatmap_cells(reading.attribution, sequence))
            limit = symmetric_limit(reading.attribution)
            self.heat_colors.update(low=-limit, high=limit)
            self.logo_fig.title.text = f"{self.name}: {method}"
            self.heat_fig.title.text = f"{self.name}: {method}, heat map"
        if reading.temporal is not None:
            set_columns(self.temporal, {"x": np.arange(1, len(sequence) + 1),
                                         "forward": reading.temporal[0].astype(float),
                                         "backward": reading.temporal[1].astype(float)})
        if reading.mutations is not None:
            set_columns(self.ism, heatmap_cells(reading.mutations, sequence))
            limit = symmetric_limit(reading.mutations)
            self.ism_colors.update(low=-limit, high=limit)
