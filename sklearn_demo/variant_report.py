"""The report of a VCF run: the alleles with the largest effects, what they
do to motifs, and what each base contributes with either allele, in one
self-contained HTML page (the same writer as the dashboard's)."""
from __future__ import annotations

import heapq
import html
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .plotting import plot_allele_attributions
from .report import Panel, ReportWriter, Section, figure_html, table_html
from .variant_attributions import allele_attributions
from .variant_windows import Variant

#: Alleles drawn base by base in the report (each figure costs two attribution maps).
DRAWN = 5


@dataclass
class StrongestAlleles:
    """The ``size`` scored alleles of largest |change of log-odds| seen so
    far (the largest over tasks for a multi-task run), kept in bounded
    memory as a stream of batches goes by."""

    size: int = 10
    _heap: list = field(default_factory=list)
    _seen: int = 0

    def add(self, effects) -> None:
        """Consider every scored allele of a batch of
        :class:`~sklearn_demo.variants.VariantEffects`."""
        delta = np.abs(np.asarray(effects.delta_logit, dtype=float))
        if delta.ndim == 2:  # the largest over tasks; NaN only where no task was scored
            delta = np.fmax.reduce(delta, axis=1)
        for i in np.flatnonzero(~np.isnan(delta)):
            self._seen += 1
            key = (float(delta[i]), -self._seen)
            if len(self._heap) == self.size and key <= self._heap[0][:2]:
                continue  # weaker than every kept allele: its row is never built
            item = (*key, self._row(effects, i))
            if len(self._heap) < self.size:
                heapq.heappush(self._heap, item)
            else:
                heapq.heapreplace(self._heap, item)

    @staticmethod
    def _row(effects, i: int) -> dict:
        v = effects.variants[i]
        row = {"chrom": v.chrom, "pos": v.pos, "id": v.id, "ref": v.ref, "alt": v.alt,
               "kind": v.kind}
        for name in ("p_ref", "p_alt", "delta_logit"):
            value = np.asarray(getattr(effects, name))[i]
            row[name] = np.round(value, 4).tolist() if np.ndim(value) else round(float(value), 4)
        if effects.motifs_gained is not None:
            row["motifs gained"] = effects.motifs_gained[i]
            row["motifs lost"] = effects.motifs_lost[i]
        return row

    def rows(self) -> list[dict]:
        """The kept alleles, strongest first."""
        return [row for _, _, row in sorted(self._heap, reverse=True)]


def write_variant_report(out_dir: str | os.PathLike, estimator: object, genome: object,
                         strongest: StrongestAlleles, counts: dict[str, int], *,
                         width: int | None = None, window: str = "left",
                         tasks: list[str] | None = None, title: str = "Variant effects",
                         subtitle: tuple[str, ...] = ()) -> Path:
    """Write ``out_dir/index.html``: the statuses of every allele, the
    strongest alleles (table and CSV, with their motifs gained and lost) and,
    for the first :data:`DRAWN` of a single-task model, their aligned
    attribution maps (:func:`~sklearn_demo.variant_attributions.allele_attributions`,
    gradient x input of the log-odds)."""
    writer = ReportWriter(out_dir)
    rows = strongest.rows()
    table_rows = [{key: (", ".join(f"{t}: {v:+.3f}" for t, v in zip(tasks, value))
                         if isinstance(value, list) and tasks else value)
                   for key, value in row.items()} for row in rows]
    panels = [
        Panel("Every allele by status", "How many alleles were scored (<i>ok</i>) and why the "
              "others were not: a REF that is not the genome's, a window past a chromosome's "
              "end, a symbolic allele, a record set aside by FILTER.",
              table_html([{"status": s, "alleles": n} for s, n in counts.items()]),
              [writer.write_csv("status_counts.csv", [{"status": s, "alleles": n}
                                                      for s, n in counts.items()])]),
        Panel(f"The {len(rows)} alleles that change the log-odds most",
              "Largest |change of log-odds| first (alternative minus reference; the largest "
              "over tasks for a multi-task model). A motif gained or lost is a FIMO hit "
              "touching the changed bases that the other allele does not have at that place.",
              table_html(table_rows), [writer.write_csv("strongest_alleles.csv", table_rows)])]
    if tasks is None and rows:
        drawn = rows[:DRAWN]
        maps = allele_attributions(estimator, [Variant(r["chrom"], r["pos"], r["id"], r["ref"],
                                                       r["alt"]) for r in drawn], genome,
                                   width=width, window=window)
        figures = []
        for k, i in enumerate(maps.scored):
            row = drawn[i]
            fig = plot_allele_attributions(
                maps.ref_maps[k], maps.alt_maps[k], maps.ref_tracks[k], maps.alt_tracks[k],
                title=f"{row['chrom']}:{row['pos']} {row['ref']}>{row['alt']} "
                      f"(change of log-odds {row['delta_logit']:+.3f})")
            figures.append(figure_html(fig, html.escape(f"{row['chrom']}:{row['pos']}")))
        panels.append(Panel(
            "What each base contributes, with either allele",
            "Each bar is a base's contribution to the log-odds (gradient x input) in the "
            "reference window (top) and the alternative one (bottom), on one axis: the same "
            "genome bases share a column, and the longer allele's extra bases stand where the "
            "other has a gap (-), so an insertion shows what it inserts.",
            "".join(figures)))
    writer.add(Section("Variants", "variants", panels))
    return writer.write(title, list(subtitle))
