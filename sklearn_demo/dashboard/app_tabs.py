"""The app's tabs beside the open sequence (:class:`TabsMixin` of
:class:`~sklearn_demo.dashboard.app.AppSession`): the loaded test set as a
table, two models' probabilities against each other with ROC curves, and
every model's motifs."""
from __future__ import annotations

import numpy as np

from ..motifs import information_content
from .user_sequences import check_sequence
from .tracks import logo_layers, logo_patches, set_columns


class TabsMixin:
    """The Test set, Model comparison and Motifs tabs of a session."""

    def _table_tab(self, pn):
        frame = self.engine.table()
        self.table_filter = pn.widgets.Select(label="Show", options=[
            "all", "false positives", "false negatives", "models disagree most"])
        self.table = pn.widgets.Tabulator(frame, pagination="remote", page_size=15,
                                          header_filters=True, disabled=True, selectable=False,
                                          sizing_mode="stretch_width", show_index=False)
        self.table.on_click(self._row_clicked)
        self.table_filter.param.watch(self._filter_table, "value")
        return pn.Column(pn.pane.HTML("<p>Click a row to open its sequence. Sort by a column "
                                      "header; type in a header's box to filter.</p>"),
                         self.table_filter, self.table, sizing_mode="stretch_width")

    def _filter_table(self, event) -> None:
        frame = self.engine.table()
        if event.new == "false positives" and "false positive of" in frame:
            frame = frame[frame["false positive of"] != ""]
        elif event.new == "false negatives" and "false negative of" in frame:
            frame = frame[frame["false negative of"] != ""]
        elif event.new == "models disagree most":
            frame = frame.sort_values("disagreement", ascending=False, kind="stable").head(50)
        self.table.value = frame

    def _row_clicked(self, event) -> None:
        index = self.table.value.index[event.row]
        self._open_loaded(int(index))

    def _open_loaded(self, index: int) -> None:
        name = str(self.engine.data.names[index])
        try:
            sequence = check_sequence(str(self.engine.data.sequences[index]),
                                      source=f"loaded sequence {name}")
        except ValueError as exc:
            self._error(exc)
            return
        self.open(name, sequence)
        self.tabs.active = 0

    def _comparison_tab(self, pn):
        from bokeh.models import ColumnDataSource, TapTool
        from bokeh.plotting import figure

        names = list(self.engine.models)
        frame = self.engine.table()
        self.compare_x = pn.widgets.Select(label="x: model", options=names, value=names[0])
        self.compare_y = pn.widgets.Select(label="y: model", options=names,
                                           value=names[min(1, len(names) - 1)])
        colors = (["#d62728" if bound else "#1f77b4" for bound in self.engine.bound_mask()]
                  if self.engine.data.labels is not None else ["#555555"] * len(frame))
        self.scatter = ColumnDataSource({"x": frame[f"p {names[0]}"].tolist(),
                                         "y": frame[f"p {self.compare_y.value}"].tolist(),
                                         "color": colors, "name": frame["name"].tolist(),
                                         "row": list(range(len(frame)))})
        scatter = figure(height=420, width=440, tools="tap,box_zoom,reset,save",
                         x_axis_label=f"p(bound), {names[0]}", title="p(bound) of two models "
                         "(red: labelled bound; click a point to open it)",
                         y_axis_label=f"p(bound), {self.compare_y.value}")
        scatter.scatter("x", "y", source=self.scatter, color="color", size=6, alpha=0.6)
        scatter.select_one(TapTool).behavior = "select"
        self.scatter.selected.on_change("indices", self._point_clicked)
        self.scatter_fig = scatter

        def axes(event) -> None:
            set_columns(self.scatter, {**self.scatter.data,
                                        "x": frame[f"p {self.compare_x.value}"].tolist(),
                                        "y": frame[f"p {self.compare_y.value}"].tolist()})
            scatter.xaxis.axis_label = f"p(bound), {self.compare_x.value}"
            scatter.yaxis.axis_label = f"p(bound), {self.compare_y.value}"

        self.compare_x.param.watch(axes, "value")
        self.compare_y.param.watch(axes, "value")
        parts = [pn.Row(self.compare_x, self.compare_y), pn.pane.Bokeh(scatter)]
        curves = self.engine.roc_curves()
        if curves:
            roc = figure(height=420, width=440, tools="save", title="ROC on the loaded set",
                         x_axis_label="false positive rate", y_axis_label="true positive rate")
            palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]
            for i, (name, (fpr, tpr, auc)) in enumerate(curves.items()):
                roc.line(fpr, tpr, color=palette[i % len(palette)], line_width=2,
                         legend_label=f"{name} (AUC {auc:.3f})")
            roc.legend.location = "bottom_right"
            parts.append(pn.pane.Bokeh(roc))
        return pn.Column(parts[0], pn.Row(*parts[1:]))

    def _point_clicked(self, attr, old, new) -> None:
        if new:
            self.scatter.selected.indices = []
            self._open_loaded(int(self.scatter.data["row"][new[0]]))

    def _motif_tab(self, pn):
        from bokeh.models import DataRange1d
        from bokeh.plotting import figure

        from bokeh.models.widgets.tables import ScientificFormatter

        self.motif_table = pn.widgets.Tabulator(self._motif_frame(), disabled=True,
                                                selectable=False, show_index=False,
                                                formatters={"E-value": ScientificFormatter(
                                                    precision=1)},
                                                sizing_mode="stretch_width", page_size=20,
                                                pagination="local")
        self.motif_table.on_click(lambda event: setattr(
            self.motif_select, "value", int(self.motif_table.value["#"].iloc[event.row])))
        logo = figure(height=160, width=420, tools="save", title="chosen motif (bits)")
        layers = logo_layers(logo, "motif")
        self.motif_logo = layers["sources"]
        logo.y_range = DataRange1d(renderers=layers["renderers"], start=0)
        logo.grid.visible = False
        self.motif_logo_fig = logo

        def show_logo(event) -> None:
            if event.new is not None and event.new >= 0:
                motif = self.engine.motifs[event.new]
                bits = motif.pwm * information_content(motif.pwm)
                for layer, columns in logo_patches(bits).items():
                    self.motif_logo[layer].data = columns
                logo.title.text = motif.label

        self.motif_select.param.watch(show_logo, "value")
        self.compute_motifs = pn.widgets.Button(
            label="Compute motifs of models without any (class optimisation, filters)",
            color="primary", visible=set(self.engine.models) != {
                m.model for m in self.engine.motifs})
        self.compute_motifs.on_click(self._compute_motifs)
        return pn.Column(
            pn.pane.HTML("<p>Each model's class-optimised motifs, first-layer filters and "
                         "TF-MoDISco patterns with their best JASPAR match (TOMTOM). Click one "
                         "to highlight its FIMO hits in the open sequence.</p>"),
            self.compute_motifs, pn.Row(self.motif_table, pn.pane.Bokeh(logo)),
            sizing_mode="stretch_width")

    def _motif_options(self) -> dict[str, int]:
        """The motif menu: label -> index in the explorer's motifs."""
        return {"(none)": -1, **{m.label: i for i, m in enumerate(self.engine.motifs)}}

    def _motif_frame(self):
        import pandas as pd

        return pd.DataFrame({
            "#": list(range(len(self.engine.motifs))),
            "model": [m.model for m in self.engine.motifs],
            "motif": [m.source for m in self.engine.motifs],
            "best JASPAR match": [f"{m.matches[0].name} {m.matches[0].matrix_id}"
                                  if m.matches else "" for m in self.engine.motifs],
            "E-value": [m.matches[0].e_value if m.matches and m.matches[0].e_value is not None
                        else np.nan for m in self.engine.motifs]})

    def _compute_motifs(self, event) -> None:
        self.compute_motifs.loading = True

        def compute():
            try:
                return self.engine.compute_motifs()
            except Exception as exc:  # noqa: BLE001 (shown as one line in the page)
                return ValueError(f"Compute motifs failed: {exc}")

        def finish(result) -> None:
            self.compute_motifs.loading = False
            if isinstance(result, Exception):
                self._error(result)
                return
            self.compute_motifs.visible = False
            self.motif_table.value = self._motif_frame()
            self.motif_select.options = self._motif_options()
            self.grammar_pick.options = self._motif_options()

        self._in_background(compute, finish)
