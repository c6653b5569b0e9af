"""The app's dependency tabs (:class:`DependenciesMixin` of
:class:`~sklearn_demo.dashboard.app.AppSession`): the open sequence's site
interactions and pairwise map under the shared x axis, and the spacing/order
scan of two motifs for every model."""
from __future__ import annotations

import numpy as np

from ..explain.grammar import motif_instances
from ..motifs import informative_span
from .tracks import TOOLS, set_columns
from .user_sequences import check_sequence

#: Colours of interactions: red where two sites act together, blue where
#: either will do; the pairwise map's palette runs blue - white - red.
TOGETHER, EITHER = "#d62728", "#1f77b4"

#: The two orders of a scan, as drawn (solid, dashed).
ORDER_DASH = {"first-second": "solid", "second-first": "dashed"}


def arcs(sites: np.ndarray, matrix: np.ndarray) -> dict[str, list]:
    """Bezier arcs between the centres of every pair of sites (1-based
    positions), as tall and as wide as the pair's interaction is strong
    relative to the strongest.

    Examples
    --------
    >>> out = arcs(np.array([[0, 10], [40, 50]]), np.array([[1.0, 2.0], [2.0, 1.0]]))
    >>> out["x0"], out["x1"], out["color"]
    ([5.5], [45.5], ['#d62728'])
    """
    k = len(sites)
    pairs = [(a, b) for a in range(k) for b in range(a + 1, k)]
    strongest = max([abs(matrix[a, b]) for a, b in pairs], default=0.0) or 1.0
    centre = sites.mean(axis=1) + 0.5  # 0-based [start, end) -> 1-based centre
    return {"x0": [float(centre[a]) for a, _ in pairs],
            "x1": [float(centre[b]) for _, b in pairs],
            "cx": [float((centre[a] + centre[b]) / 2) for a, b in pairs],
            "cy": [0.2 + 1.6 * abs(matrix[a, b]) / strongest for a, b in pairs],
            "width": [1 + 5 * abs(matrix[a, b]) / strongest for a, b in pairs],
            "color": [TOGETHER if matrix[a, b] > 0 else EITHER for a, b in pairs],
            "value": [float(matrix[a, b]) for a, b in pairs]}


class DependenciesMixin:
    """The Dependencies and Grammar tabs of a session."""

    def _dependencies_tab(self, pn):
        from bokeh.layouts import column
        from bokeh.events import Tap
        from bokeh.models import ColumnDataSource, LinearColorMapper, Range1d
        from bokeh.palettes import RdBu11
        from bokeh.plotting import figure

        self.dependencies_button = pn.widgets.Button(
            label="Compute for the open sequence", color="primary")
        self.dependencies_button.on_click(self._compute_dependencies)
        self.dependency_sources, self._pairwise, figures = {}, {}, []
        for name in self.engine.models:
            sources = {
                "sites": ColumnDataSource({"left": [], "right": [], "effect": [], "color": []},
                                          name=f"{name}-sites"),
                "arcs": ColumnDataSource({key: [] for key in arcs(np.zeros((0, 2)), np.zeros(
                    (0, 0)))}, name=f"{name}-arcs"),
                "map": ColumnDataSource({"image": [np.zeros((1, 1))], "x": [0.5], "y": [0.5],
                                         "dw": [1], "dh": [1]}, name=f"{name}-pairwise"),
                "row": ColumnDataSource({"x": [], "value": [], "row": []},
                                        name=f"{name}-pairwise-row"),
            }
            self.dependency_sources[name] = sources
            sites = figure(height=150, x_range=self.x_range, y_range=(0, 2), tools=TOOLS,
                           sizing_mode="stretch_width", min_border_left=60,
                           title=f"{name}: sites it reads (grey: their main effect) and their "
                                 "interactions (red arcs: both needed; blue: either will do)")
            sites.quad(left="left", right="right", bottom=0, top=0.2, source=sources["sites"],
                       fill_color="color", line_color="black")
            sites.bezier(x0="x0", y0=0.2, x1="x1", y1=0.2, cx0="cx", cy0="cy", cx1="cx",
                         cy1="cy", source=sources["arcs"], line_color="color",
                         line_width="width")
            sites.yaxis.visible = False
            pairwise = figure(height=300, x_range=self.x_range, y_range=Range1d(0.5, 1.5),
                              tools="tap,save", sizing_mode="stretch_width", min_border_left=60,
                              title=f"{name}: pairwise map (DFIM): row i is what mutating "
                                    "position i does to each position's contribution; "
                                    "click a row", y_axis_label="mutated position i",
                              name=f"{name}-pairwise-figure")
            mapper = LinearColorMapper(palette=tuple(reversed(RdBu11)), low=-1, high=1)
            pairwise.image(image="image", x="x", y="y", dw="dw", dh="dh",
                           source=sources["map"], color_mapper=mapper)
            pairwise.on_event(Tap, lambda event, name=name: self._pairwise_row(name, event.y))
            row = figure(height=120, x_range=self.x_range, tools=TOOLS,
                         sizing_mode="stretch_width", min_border_left=60,
                         title=f"{name}: the clicked row", x_axis_label="position j (1-based)")
            row.vbar(x="x", top="value", width=0.9, source=sources["row"], color="#555555")
            sources["mapper"], sources["figure"], sources["row_figure"] = mapper, pairwise, row
            figures += [sites, pairwise, row]
        return pn.Column(
            pn.pane.HTML("<p>Which sites of the open sequence act together, for each model: "
                         "the sites it reads (10-base windows of its strongest attribution), "
                         "each one's main effect (log-odds lost when its bases are shuffled) "
                         "and each pair's interaction, and the base-level pairwise map. "
                         "Seconds per model for a few hundred bases.</p>"),
            self.dependencies_button,
            pn.pane.Bokeh(column(*figures, sizing_mode="stretch_width"),
                          sizing_mode="stretch_width"),
            sizing_mode="stretch_width")

    def _compute_dependencies(self, event) -> None:
        if self.current is None:
            self._error(ValueError("open a sequence first (Sequence tab)."))
            return
        sequence = self.current[1]
        self.dependencies_button.loading = True

        def finish(results) -> None:
            self.dependencies_button.loading = False
            self._show_dependencies(results)

        self._in_background(lambda: self.engine.dependencies(sequence), finish)

    def _show_dependencies(self, results: dict) -> None:
        for name, (found, pairwise) in results.items():
            sources = self.dependency_sources[name]
            effects = np.diag(found.matrix)
            strongest = max(float(np.abs(effects).max(initial=0.0)), 1e-9)
            set_columns(sources["sites"], {
                "left": (found.sites[:, 0] + 0.5).tolist(),
                "right": (found.sites[:, 1] + 0.5).tolist(), "effect": effects.tolist(),
                "color": [f"#{int(255 - 200 * abs(e) / strongest):02x}" * 3 for e in effects]})
            set_columns(sources["arcs"], arcs(found.sites, found.matrix))
            length = len(pairwise)
            limit = max(float(np.abs(pairwise).max()), 1e-9)
            sources["mapper"].update(low=-limit, high=limit)
            sources["map"].data = {"image": [pairwise.astype(np.float64)], "x": [0.5],
                                   "y": [0.5], "dw": [length], "dh": [length]}
            sources["figure"].y_range.update(start=0.5, end=length + 0.5)
            self._pairwise[name] = pairwise
            self._pairwise_row(name, 1.0)

    def _pairwise_row(self, name: str, y: float | None) -> None:
        """Show row i (the 1-based position under a click at ``y``) of
        ``name``'s pairwise map."""
        pairwise = self._pairwise.get(name)
        if pairwise is None or y is None:
            return
        i = int(np.clip(np.floor(y - 0.5), 0, len(pairwise) - 1))  # row i spans i+0.5..i+1.5
        set_columns(self.dependency_sources[name]["row"], {
            "x": list(range(1, len(pairwise) + 1)), "value": pairwise[i].tolist(),
            "row": [i] * len(pairwise)})
        self.dependency_sources[name]["row_figure"].title.text = (
            f"{name}: row {i + 1} of the pairwise map: what mutating position {i + 1} does to "
            "each position's contribution (log-odds)")

    def _grammar_tab(self, pn):
        from bokeh.plotting import figure

        self.grammar_first = pn.widgets.TextInput(name="First motif (DNA)",
                                                  placeholder="e.g. CCACTAGGGGGC")
        self.grammar_second = pn.widgets.TextInput(name="Second motif (DNA)",
                                                   placeholder="e.g. TGACTCA")
        self.grammar_pick = pn.widgets.Select(name="or take one from the Motifs table",
                                              options=self._motif_options(), value=-1)
        self.grammar_pick.param.watch(self._grammar_picked, "value")
        self.grammar_button = pn.widgets.Button(label="Scan spacing and order",
                                                color="primary")
        self.grammar_button.on_click(self._compute_grammar)
        self.grammar_sources = {}
        logit = figure(height=300, tools="save,box_zoom,reset", sizing_mode="stretch_width",
                       title="mean log-odds with both motifs (solid: first then second; "
                             "dashed: second then first)",
                       x_axis_label="gap between the motifs (bases)", y_axis_label="log-odds")
        interaction = figure(height=300, tools="save,box_zoom,reset", x_range=logit.x_range,
                             sizing_mode="stretch_width",
                             title="interaction: both - each alone + neither",
                             x_axis_label="gap between the motifs (bases)",
                             y_axis_label="log-odds")
        palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]
        from bokeh.models import ColumnDataSource

        for i, name in enumerate(self.engine.models):
            for order, dash in ORDER_DASH.items():
                source = ColumnDataSource({"spacing": [], "logit": [], "interaction": []},
                                          name=f"{name}-grammar-{order}")
                self.grammar_sources[name, order] = source
                for fig, column in ((logit, "logit"), (interaction, "interaction")):
                    fig.line("spacing", column, source=source, line_dash=dash, line_width=2,
                             color=palette[i % len(palette)],
                             legend_label=f"{name}, {order.replace('-', ' then ')}")
        for fig in (logit, interaction):
            fig.legend.location = "top_left"
            fig.legend.click_policy = "hide"
        return pn.Column(
            pn.pane.HTML("<p>Does each model care where the second motif sits relative to the "
                         "first? Both are written, centred, into 20 dinucleotide shuffles of the "
                         "loaded unbound sequences, at every other gap and in both orders "
                         "(sklearn_demo.motif_spacing).</p>"),
            pn.Row(self.grammar_first, self.grammar_second, self.grammar_pick),
            self.grammar_button, pn.pane.Bokeh(logit, sizing_mode="stretch_width"),
            pn.pane.Bokeh(interaction, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")

    def _grammar_picked(self, event) -> None:
        if event.new is None or event.new < 0:
            return
        pwm = self.engine.motifs[event.new].pwm
        pwm = pwm[:, informative_span(pwm) or slice(None)]  # without its blank flanks
        box = self.grammar_second if self.grammar_first.value else self.grammar_first
        box.value = motif_instances(pwm, 1)[0]

    def _compute_grammar(self, event) -> None:
        try:
            first, second = (check_sequence(box.value.strip().upper(), source=label)
                             for box, label in ((self.grammar_first, "the first motif"),
                                                (self.grammar_second, "the second motif")))
        except ValueError as exc:
            self._error(exc)
            return
        sequence = self.current[1] if self.current is not None else first + second
        self.grammar_button.loading = True

        def finish(scans) -> None:
            self.grammar_button.loading = False
            self.grammar_scans = scans
            for (name, order), source in self.grammar_sources.items():
                rows = scans[name][scans[name]["order"] == order]
                set_columns(source, {column: rows[column].tolist()
                                     for column in ("spacing", "logit", "interaction")})

        self._in_background(lambda: self.engine.spacing_scans(first, second, sequence), finish)
