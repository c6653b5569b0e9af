"""The interactive dashboard: any sequence, every model, live in the browser.

Built on Panel (HoloViz) over a Bokeh server: widgets and Bokeh figures
bound to :class:`~sklearn_demo.dashboard.explorer.SequenceExplorer`, no
hand-written HTTP or JavaScript. :func:`explore` returns an :class:`Explorer`,
which displays inline in Jupyter and serves from a script or from
``sklearn-demo serve`` (:mod:`~sklearn_demo.dashboard.server`); every
browser tab gets its own :class:`AppSession` (widgets, history) over the one
shared, cached explorer, with one :class:`~sklearn_demo.dashboard.tracks.ModelTracks`
of figures per model.
"""
from __future__ import annotations

import html

import numpy as np

from ..motifs import information_content
from .explanations import ATTRIBUTION_METHODS
from .explorer import (
    DEFAULT_METHOD, VIEWS, SequenceExplorer, check_sequence, parse_fasta_upload,
    parse_sequence_text, substitute,
)
from .tracks import (
    BASES, LETTER_HEX, TOOLS, ModelTracks, logo_layers, logo_patches, set_columns,
)

#: Sequences longer than this open with the attribution map only: temporal
#: scores and ISM take seconds there (2 x L and 3 x L forward passes per model).
LONG_SEQUENCE = 300

#: Longest sequence whose temporal scores and mutation map the app computes
#: even when ticked: beyond it they take a minute or more per model, while the
#: server answers no other tab.
MAX_MAP_LENGTH = 2_000

#: Labels of the map views, by key of ``VIEWS``.
VIEW_LABELS = {"attribution": "attribution map", "temporal": "temporal scores",
               "mutations": "mutation map (ISM)"}

def panel_extension():
    """Panel, with the Tabulator extension loaded (imported on first use: a
    second or two)."""
    import panel as pn

    pn.extension("tabulator", notifications=False)
    return pn



class AppSession:
    """One browser tab (or notebook cell): its widgets, open sequence and
    history, over the shared explorer."""

    def __init__(self, engine: SequenceExplorer, title: str):
        pn = panel_extension()
        from bokeh.layouts import column
        from bokeh.models import ColumnDataSource, Range1d
        from bokeh.plotting import figure

        self.engine = engine
        self.history: list[tuple[str, str, dict]] = []
        self.current: tuple[str, str, dict] | None = None
        self._syncing = False
        self._views_chosen = False
        self._uploads: dict[int, tuple[str, str]] = {}

        self.sequence_box = pn.widgets.TextAreaInput(
            label="Sequence", height=130, sizing_mode="stretch_width",
            placeholder="Paste a DNA sequence or one FASTA record, then click outside the box")
        self.upload = pn.widgets.FileInput(accept=".fa,.fasta,.fna,.fas,.txt", multiple=False)
        self.records = pn.widgets.Select(label="Uploaded records", options={}, visible=False)
        self.method = pn.widgets.Select(label="Attribution method",
                                        options=list(ATTRIBUTION_METHODS), value=DEFAULT_METHOD)
        self.views = pn.widgets.CheckBoxGroup(
            label="Views", options={label: key for key, label in VIEW_LABELS.items()},
            value=list(VIEWS))
        self.undo = pn.widgets.Button(label="Undo", disabled=True)
        self.position = pn.widgets.IntInput(label="Variant position (1-based)", value=1, start=1)
        self.alt = pn.widgets.Select(label="Alternative base", options=list(BASES))
        self.compare_variant = pn.widgets.Button(label="Ref vs alt", color="primary")
        self.apply_variant = pn.widgets.Button(label="Apply to the sequence")
        self.variant_out = pn.pane.HTML("", sizing_mode="stretch_width")
        self.message = pn.pane.Alert("", alert_type="danger", visible=False,
                                     sizing_mode="stretch_width", css_classes=["app-error"])
        self.note = pn.pane.HTML("", sizing_mode="stretch_width")
        self.p_lines = pn.pane.HTML('<p class="empty">No sequence open yet.</p>',
                                    sizing_mode="stretch_width", css_classes=["p-lines"])
        self.motif_select = pn.widgets.Select(label="Highlight motif (FIMO)",
                                              options=self._motif_options(), value=-1)
        self.hits_text = pn.pane.HTML("", sizing_mode="stretch_width")

        self.x_range = Range1d(0.5, 101.5, bounds=(0.5, 101.5))
        self.hits = ColumnDataSource({"left": [], "right": []})
        self.letters = ColumnDataSource({"x": np.zeros(0), "letter": [], "color": []},
                                        name="letters")
        letter_fig = figure(height=75, x_range=self.x_range, y_range=(0, 1), tools=TOOLS,
                            sizing_mode="stretch_width", min_border_left=60,
                            title="sequence (gold: highlighted motif hits)")
        letter_fig.quad(left="left", right="right", bottom=0, top=1, source=self.hits,
                        fill_color="gold", fill_alpha=0.4, line_color=None)
        letter_fig.text("x", 0.5, text="letter", source=self.letters, text_color="color",
                        text_align="center", text_baseline="middle", text_font_size="11px",
                        text_font_style="bold")
        letter_fig.yaxis.visible = False
        letter_fig.grid.visible = False
        letter_fig.xaxis.axis_label = "position (1-based)"
        self.tracks = [ModelTracks(name, self.x_range, self.hits, self._mutation_clicked)
                       for name in engine.models]
        figures = [letter_fig] + [fig for tracks in self.tracks for fig in tracks.figures]
        self.track_pane = pn.pane.Bokeh(column(*figures, sizing_mode="stretch_width"),
                                        sizing_mode="stretch_width")

        self.sequence_box.param.watch(self._text_changed, "value")
        self.upload.param.watch(self._uploaded, "value")
        self.records.param.watch(self._record_chosen, "value")
        self.method.param.watch(lambda event: self._refresh(), "value")
        self.views.param.watch(self._views_changed, "value")
        self.undo.on_click(self._undo)
        self.compare_variant.on_click(self._show_variant)
        self.apply_variant.on_click(self._apply_variant)
        self.motif_select.param.watch(lambda event: self._highlight(), "value")

        sidebar = pn.Column(
            self.sequence_box, pn.pane.HTML("<b>or upload a FASTA file</b> (up to 5 MB)"),
            self.upload, self.records, self.undo, self.method, self.views,
            pn.pane.HTML("<b>Variant</b>"), self.position, self.alt,
            pn.Row(self.compare_variant, self.apply_variant), self.variant_out,
            self.motif_select, self.hits_text, width=340)
        explore_tab = pn.Column(self.message, self.p_lines, self.note, self.track_pane,
                                sizing_mode="stretch_width")
        self.tabs = pn.Tabs(("Sequence", explore_tab), sizing_mode="stretch_width")
        if engine.data is not None:
            self.tabs.append(("Test set", self._table_tab(pn)))
            self.tabs.append(("Model comparison", self._comparison_tab(pn)))
        self.tabs.append(("Motifs", self._motif_tab(pn)))
        self.layout = pn.Column(
            pn.pane.HTML(f"<h2 style='margin:4px 0'>{html.escape(title)}</h2>"
                         f"<div>{len(engine.models)} model(s): "
                         f"{html.escape(', '.join(engine.models))}</div>"),
            pn.Row(sidebar, self.tabs, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
        if engine.data is not None and len(engine.data.sequences):
            self.open(str(engine.data.names[0]), str(engine.data.sequences[0]))

    # -- the open sequence -------------------------------------------------
    def open(self, name: str, sequence: str, *, remember: bool = True) -> None:
        """Put a checked sequence in the box and show it."""
        self._syncing = True
        try:
            self.sequence_box.value = f">{name}\n{sequence}"
        finally:
            self._syncing = False
        self._show(name, sequence, remember=remember)

    def _text_changed(self, event) -> None:
        if self._syncing:
            return
        try:
            name, sequence = parse_sequence_text(event.new)
        except ValueError as exc:
            self._error(exc)
            return
        self._show(name, sequence)

    def _error(self, exc: Exception) -> None:
        self.message.object = str(exc).splitlines()[0]
        self.message.visible = True

    def _views_for(self, sequence: str) -> tuple[list[str], str]:
        """The views to compute for ``sequence``, and why any ticked one is off."""
        views = list(self.views.value)
        if len(sequence) > MAX_MAP_LENGTH:
            why = (f"computed for sequences of up to {MAX_MAP_LENGTH:,} bases only (this one "
                   f"has {len(sequence):,})")
        elif len(sequence) > LONG_SEQUENCE and not self._views_chosen:
            why = (f"off for sequences over {LONG_SEQUENCE} bases (they take seconds there): "
                   "tick them under Views to compute them")
        else:
            return views, ""
        kept = [view for view in views if view == "attribution"]
        return kept, ("" if kept == views else
                      f"<p>Temporal scores and the mutation map are {why}.</p>")

    def _show(self, name: str, sequence: str, *, remember: bool = True) -> None:
        views, why = self._views_for(sequence)
        try:
            readings = self.engine.read(sequence, method=self.method.value, views=views)
        except ValueError as exc:
            self._error(exc)
            return
        from panel.io import hold

        previous = self.current
        if remember and previous is not None and previous[1] != sequence:
            self.history.append(previous)
        self.current = (name, sequence, readings)
        with hold():  # one message to the browser for the whole update
            self.message.visible = False
            self.undo.disabled = not self.history
            self.position.end = len(sequence)
            self.note.object = why
            self.x_range.update(start=0.5, end=len(sequence) + 0.5,
                                bounds=(0.5, len(sequence) + 0.5))
            set_columns(self.letters, {
                "x": np.arange(1, len(sequence) + 1), "letter": list(sequence),
                "color": [LETTER_HEX.get(base, "#777777") for base in sequence]})
            for tracks in self.tracks:
                tracks.update(readings[tracks.name], sequence, self.method.value, views)
            self._highlight()
            self.p_lines.object = self._p_html(name, sequence, readings, previous)

    def _p_html(self, name: str, sequence: str, readings: dict, previous) -> str:
        lines = [f'<div class="seq-name">{html.escape(name)} ({len(sequence)} bases)</div>']
        for model, reading in readings.items():
            delta = ""
            if previous is not None and previous[1] != sequence:
                change = reading.p_bound - previous[2][model].p_bound
                delta = (f' <span class="delta">(Δ {change:+.3f} against the previous '
                         f'sequence)</span>')
            lines.append(f'<div class="p-bound"><span class="p-line">{html.escape(model)}: '
                         f'{html.escape(self.engine.probability_names[model])} = '
                         f'{reading.p_bound:.3f}</span>{delta}</div>')
        return "".join(lines)

    def _refresh(self) -> None:
        if self.current is not None:
            self._show(self.current[0], self.current[1], remember=False)

    def _views_changed(self, event) -> None:
        self._views_chosen = True
        self._refresh()

    def _undo(self, event) -> None:
        if self.history:
            name, sequence, _ = self.history.pop()
            self.open(name, sequence, remember=False)

    def _open_substitution(self, position: int, base: str) -> None:
        """Open the current sequence with ``base`` at 1-based ``position``,
        named after the change (``"seq A57T"``)."""
        name, sequence, _ = self.current
        try:
            mutant = substitute(sequence, position, base)
        except ValueError as exc:
            self._error(exc)
            return
        if mutant != sequence:
            self.open(f"{name} {sequence[position - 1]}{position}{mutant[position - 1]}", mutant)

    def _mutation_clicked(self, tracks: ModelTracks, indices: list[int]) -> None:
        if not indices or self.current is None:
            return
        tracks.ism.selected.indices = []
        self._open_substitution(indices[0] // 4 + 1, BASES[indices[0] % 4])

    # -- variants, uploads, motifs ----------------------------------------
    def _show_variant(self, event) -> None:
        if self.current is None:
            return
        sequence = self.current[1]
        try:
            effects = self.engine.variant(sequence, int(self.position.value), self.alt.value)
        except (ValueError, TypeError) as exc:
            self._error(exc)
            return
        ref = sequence[int(self.position.value) - 1]
        rows = "".join(f"<tr><td>{html.escape(e.name)}</td><td>{e.p_ref:.3f}</td>"
                       f"<td>{e.p_alt:.3f}</td><td>{e.delta:+.3f}</td></tr>" for e in effects)
        self.variant_out.object = (
            f'<table class="variant"><caption>{ref}{self.position.value}{self.alt.value}'
            f"</caption><tr><th>model</th><th>p ref</th><th>p alt</th><th>Δ p</th></tr>"
            f"{rows}</table>")

    def _apply_variant(self, event) -> None:
        if self.current is not None:
            self._open_substitution(int(self.position.value), self.alt.value)

    def _uploaded(self, event) -> None:
        if not event.new:
            return
        try:
            records = parse_fasta_upload(event.new, self.upload.filename or "the upload")
        except ValueError as exc:
            self._error(exc)
            return
        self._uploads = dict(enumerate(records))
        self.records.options = {f"{name} ({len(seq)} bases)": i
                                for i, (name, seq) in self._uploads.items()}
        self.records.visible = True
        self.records.value = 0
        self.open(*records[0])

    def _record_chosen(self, event) -> None:
        if event.new in self._uploads:
            self.open(*self._uploads[event.new])

    def _highlight(self) -> None:
        index = self.motif_select.value
        if index is None or index < 0 or self.current is None:
            self.hits.data = {"left": [], "right": []}
            self.hits_text.object = ""
            return
        motif = self.engine.motifs[index]
        hits = self.engine.motif_hits(motif, self.current[1])
        self.hits.data = {"left": (hits["start"] + 0.5).tolist(),
                          "right": (hits["end"] + 0.5).tolist()}
        listed = ", ".join(f"{s + 1}-{e} ({strand}, p = {p:.1e})" for s, e, strand, p in zip(
            hits["start"], hits["end"], hits["strand"], hits["p_value"]))
        self.hits_text.object = (f"<p>{len(hits)} hit(s) of {html.escape(motif.label)} at "
                                 f"p &lt; 1e-3: {listed or 'none'}</p>")

    # -- tabs ---------------------------------------------------------------
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
                                                formatters={"p-value": ScientificFormatter(
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
            "p-value": [m.matches[0].p_value if m.matches else np.nan
                        for m in self.engine.motifs]})

    def _compute_motifs(self, event) -> None:
        self.compute_motifs.loading = True
        try:
            self.engine.compute_motifs()
        finally:
            self.compute_motifs.loading = False
        self.compute_motifs.visible = False
        self.motif_table.value = self._motif_frame()
        self.motif_select.options = self._motif_options()
