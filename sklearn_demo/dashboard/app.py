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
import threading
from collections import deque
from collections.abc import Callable

import numpy as np

from .app_dependencies import DependenciesMixin
from .app_tabs import TabsMixin
from .explanations import ATTRIBUTION_METHODS
from .explorer import DEFAULT_METHOD, VIEWS, SequenceExplorer
from .user_sequences import (
    MAX_LENGTH, apply_allele, parse_allele, parse_fasta_upload, parse_sequence_text, substitute,
)
from .tracks import (
    BASES, LETTER_HEX, TOOLS, ModelTracks, set_columns,
)

#: Sequences longer than this open with the attribution map only: temporal
#: scores and ISM take seconds there (2 x L and 3 x L forward passes per model).
LONG_SEQUENCE = 300

#: Longest sequence whose temporal scores and mutation map the app computes
#: even when ticked: beyond it they take a minute or more per model, while the
#: server answers no other tab.
MAX_MAP_LENGTH = 2_000

#: Characters the Sequence box takes: a FASTA record of the longest sequence
#: the app explains (``MAX_LENGTH``) with any header and line breaks fits many
#: times over, so a longer paste reaches the check that names its length; a
#: browser cuts a paste at the box's limit without a word, so text that fills
#: the box is refused as possibly cut.
BOX_MAX_CHARACTERS = 1_000_000

#: Sequences the Undo button goes back through.
UNDO_DEPTH = 50

#: The sequence track's letter glyphs: one per base, and one (grey) for IUPAC
#: codes.
LETTER_GLYPHS = (*BASES, "other")

#: Labels of the map views, by key of ``VIEWS``.
VIEW_LABELS = {"attribution": "attribution map", "temporal": "temporal scores",
               "mutations": "mutation map (ISM)"}

#: How many of the tabs' heavy computations (maps, motifs) run at once, each
#: on a thread of its own: the server's event loop stays free, so other tabs
#: keep answering. The threads are daemons: stopping the server does not
#: wait for a map nobody will see.
WORKERS = threading.BoundedSemaphore(4)


def _start_worker(compute: Callable[[], object],
                  done: Callable[[object, Exception | None], None]) -> None:
    """``compute()`` on a daemon thread (at most ``WORKERS`` at once), then
    ``done(result, None)`` or ``done(None, exception)`` on that thread."""
    def run() -> None:
        with WORKERS:
            try:
                result = compute()
            except Exception as exc:  # noqa: BLE001 (handed to done, shown in the page)
                done(None, exc)
                return
        done(result, None)

    threading.Thread(target=run, name=WORKER_NAME, daemon=True).start()


WORKER_NAME = "sklearn-demo-app"


def workers_running() -> bool:
    """Whether a worker thread still computes (a map nobody may wait for)."""
    return any(thread.name == WORKER_NAME and thread.is_alive()
               for thread in threading.enumerate())


def _served_document():
    """The Bokeh document of the tab being served, None outside a server."""
    import panel as pn

    document = pn.state.curdoc
    return document if document is not None and document.session_context else None


def panel_extension():
    """Panel, with the Tabulator extension loaded (imported on first use: a
    second or two)."""
    import panel as pn

    pn.extension("tabulator", notifications=False)
    return pn



class AppSession(TabsMixin, DependenciesMixin):
    """One browser tab (or notebook cell): its widgets, open sequence and
    history, over the shared explorer."""

    def __init__(self, engine: SequenceExplorer, title: str):
        pn = panel_extension()
        from bokeh.layouts import column
        from bokeh.models import ColumnDataSource, Range1d
        from bokeh.plotting import figure

        self.engine = engine
        self.history: deque[tuple[str, str, dict]] = deque(maxlen=UNDO_DEPTH)
        self.current: tuple[str, str, dict] | None = None
        self._syncing = False
        self._views_chosen = False
        self._uploads: dict[int, tuple[str, str]] = {}
        self._requests = 0  # background requests made: only the latest one's result shows

        self.sequence_box = pn.widgets.TextAreaInput(
            label=f"Sequence (up to {MAX_LENGTH:,} bases)", height=130,
            sizing_mode="stretch_width", max_length=BOX_MAX_CHARACTERS,
            placeholder="Paste a DNA sequence or one FASTA record, then click outside the box")
        self.upload = pn.widgets.FileInput(accept=".fa,.fasta,.fna,.fas,.txt", multiple=False)
        self.records = pn.widgets.Select(label="Uploaded records", options={}, visible=False)
        self.method = pn.widgets.Select(label="Attribution method",
                                        options=list(ATTRIBUTION_METHODS), value=DEFAULT_METHOD)
        self.views = pn.widgets.CheckBoxGroup(
            label="Views", options={label: key for key, label in VIEW_LABELS.items()},
            value=list(VIEWS))
        self.undo = pn.widgets.Button(label="Undo", disabled=True)
        self.variant_box = pn.widgets.TextInput(
            label="Variant: position REF>ALT", placeholder="e.g. 145 G>A, 145 G>GTT, 145 GCA>G")
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

        self.x_range = Range1d(0.5, 101.5, bounds=(0.5, 101.5), name="sequence_x")
        self.hits = ColumnDataSource({"left": [], "right": []})
        # one text glyph per letter, each with one colour: a glyph with a
        # column of colours threw RangeErrors in BokehJS 3.9 (TextView
        # after_visuals read the colours of the last, longer sequence)
        self.letters = {letter: ColumnDataSource({"x": np.zeros(0), "letter": []},
                                                 name=f"letters-{letter}")
                        for letter in LETTER_GLYPHS}
        letter_fig = figure(height=75, x_range=self.x_range, y_range=(0, 1), tools=TOOLS,
                            sizing_mode="stretch_width", min_border_left=60,
                            title="sequence (gold: highlighted motif hits)")
        letter_fig.quad(left="left", right="right", bottom=0, top=1, source=self.hits,
                        fill_color="gold", fill_alpha=0.4, line_color=None)
        for letter, source in self.letters.items():
            letter_fig.text("x", 0.5, text="letter", source=source,
                            text_color=LETTER_HEX.get(letter, "#777777"), text_align="center",
                            text_baseline="middle", text_font_size="11px",
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
            pn.pane.HTML("<b>Variant</b> (SNV, MNV, insertion or deletion)"), self.variant_box,
            pn.Row(self.compare_variant, self.apply_variant), self.variant_out,
            self.motif_select, self.hits_text, width=340)
        explore_tab = pn.Column(self.p_lines, self.note, self.track_pane,
                                sizing_mode="stretch_width")
        self.tabs = pn.Tabs(("Sequence", explore_tab), sizing_mode="stretch_width")
        if engine.data is not None:
            self.tabs.append(("Test set", self._table_tab(pn)))
            self.tabs.append(("Model comparison", self._comparison_tab(pn)))
        self.tabs.append(("Motifs", self._motif_tab(pn)))
        self.tabs.append(("Dependencies", self._dependencies_tab(pn)))
        self.tabs.append(("Grammar", self._grammar_tab(pn)))
        self.layout = pn.Column(
            pn.pane.HTML(f"<h2 style='margin:4px 0'>{html.escape(title)}</h2>"
                         f"<div>{len(engine.models)} model(s): "
                         f"{html.escape(', '.join(engine.models))}</div>"),
            self.message,  # above the tabs: an error shows whichever tab is open
            pn.Row(sidebar, self.tabs, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
        if engine.data is not None and len(engine.data.sequences):
            # the page opens with it
            self.open(str(engine.data.names[0]), str(engine.data.sequences[0]), now=True)

    # -- the open sequence -------------------------------------------------
    def open(self, name: str, sequence: str, *, remember: bool = True,
             now: bool = False) -> None:
        """Put a checked sequence in the box and show it (``now``: before
        returning, even when served)."""
        self._syncing = True
        try:
            self.sequence_box.value = f">{name}\n{sequence}"
        finally:
            self._syncing = False
        self._show(name, sequence, remember=remember, now=now)

    def _text_changed(self, event) -> None:
        if self._syncing:
            return
        if len(event.new) >= BOX_MAX_CHARACTERS:
            self._error(ValueError(
                f"the Sequence box holds at most {BOX_MAX_CHARACTERS:,} characters and the pasted "
                f"text filled it, so it may have been cut; the app explains sequences of at most "
                f"{MAX_LENGTH:,} bases (score longer ones with `sklearn-demo predict`)."))
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

    def _in_background(self, compute: Callable[[], object],
                       finish: Callable[[object], None], *, now: bool = False) -> None:
        """``compute()`` on the app's worker threads, then ``finish(result)``
        on this tab's event loop (the one place its Bokeh models may change);
        an exception is shown in the page as one line. Meanwhile the server
        answers every other tab. Without a server (a notebook, a test), or
        with ``now``, both run here at once."""
        document = _served_document()
        request = self._requests = self._requests + 1

        def done(result: object, error: Exception | None) -> None:
            if request != self._requests:  # a newer request superseded this one
                return
            if error is not None:
                self._error(error if isinstance(error, ValueError) else
                            RuntimeError(f"{type(error).__name__}: {error}"))
            else:
                finish(result)

        if document is None or now:
            try:
                result = compute()
            except Exception as exc:  # noqa: BLE001 (any failure becomes one line in the page)
                done(None, exc)
            else:
                done(result, None)
            return
        _start_worker(compute, lambda result, error: document.add_next_tick_callback(
            lambda: done(result, error)))

    def _show(self, name: str, sequence: str, *, remember: bool = True,
              now: bool = False) -> None:
        """Show ``sequence``: every model's p(bound) first, on the event loop
        (one forward pass each: it answers at once even while other tabs'
        maps take every worker), then its maps on a worker thread."""
        views, why = self._views_for(sequence)
        method = self.method.value

        def maps(now: bool) -> None:
            self._in_background(
                lambda: self.engine.read(sequence, method=method, views=views),
                lambda readings: self._shown(name, sequence, readings, views, method, why,
                                             remember), now=now)

        def p_lines(readings: dict) -> None:
            self.message.visible = False
            self.p_lines.object = self._p_html(name, sequence, readings, self.current)
            self.note.object = "<p>Computing the maps...</p>"
            maps(now=False)

        if now:
            maps(now=True)
        else:  # p(bound) here, at once: it must not wait behind other tabs' maps
            self._in_background(lambda: self.engine.read(sequence, method=method, views=()),
                                p_lines, now=True)

    def _shown(self, name: str, sequence: str, readings: dict, views: list[str], method: str,
               why: str, remember: bool) -> None:
        from panel.io import hold

        previous = self.current
        if remember and previous is not None and previous[1] != sequence:
            self.history.append(previous)
        self.current = (name, sequence, readings)
        with hold():  # one message to the browser for the whole update
            self.message.visible = False
            self.undo.disabled = not self.history
            self.note.object = why
            # bounds first: the browser applies a change in order, and an end
            # beyond the old bounds would be clamped to them (the view of a
            # longer sequence stopped at the last one's length)
            self.x_range.bounds = (0.5, len(sequence) + 0.5)
            self.x_range.update(start=0.5, end=len(sequence) + 0.5)
            letters = np.array(list(sequence))
            others = ~np.isin(letters, list(BASES))
            for letter, source in self.letters.items():
                at = others if letter == "other" else letters == letter
                set_columns(source, {"x": np.flatnonzero(at) + 1, "letter": letters[at].tolist()})
            for tracks in self.tracks:
                tracks.update(readings[tracks.name], sequence, method, views)
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
        try:
            shown = self.engine.allele(self.current[1], self.variant_box.value)
        except ValueError as exc:
            self._error(exc)
            return
        self.variant_out.object = allele_html(shown)

    def _apply_variant(self, event) -> None:
        if self.current is None:
            return
        try:
            position, ref, alt = parse_allele(self.variant_box.value, self.current[1])
        except ValueError as exc:
            self._error(exc)
            return
        name = f"{self.current[0]} {position} {ref}>{alt}"
        self.open(name, apply_allele(self.current[1], position, ref, alt))

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


def allele_html(shown) -> str:
    """A typed variant's panel: every model's p(bound) of both alleles, the
    two alleles aligned over their flanks (changed bases marked, gaps where
    one allele is longer), and the motifs it creates and destroys."""
    rows = "".join(f"<tr><td>{html.escape(e.name)}</td><td>{e.p_ref:.3f}</td>"
                   f"<td>{e.p_alt:.3f}</td><td>{e.delta:+.3f}</td></tr>" for e in shown.effects)

    def track(bases: str, other: str) -> str:
        return "".join('<span class="gap" style="color:#999">-</span>' if b == "-" else
                       f'<b class="changed" style="color:#d62728">{b}</b>' if b != o else b
                       for b, o in zip(bases, other))

    motifs = "; ".join(part for part in (
        f"gained: {', '.join(shown.gained)}" if shown.gained else "",
        f"lost: {', '.join(shown.lost)}" if shown.lost else "") if part)
    return (f'<table class="variant"><caption>{shown.position} {shown.ref}&gt;{shown.alt}'
            f"</caption><tr><th>model</th><th>p ref</th><th>p alt</th><th>Δ p</th></tr>"
            f'{rows}</table><pre class="alleles">from {shown.track_start}\n'
            f"ref {track(shown.ref_track, shown.alt_track)}\n"
            f"alt {track(shown.alt_track, shown.ref_track)}</pre>"
            f'<p class="motif-changes">{motifs or "no motif hit gained or lost"}</p>')
