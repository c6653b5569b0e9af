"""The report's HTML page, one section per question."""
from __future__ import annotations

import html
import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..motifs import MotifMatch
from ..report import Panel, ReportWriter, Section, figure_html, table_html
from .data import DashboardData
from .explanations import ATTRIBUTION, ModelExplanation, recovered_motif
from .how_to_read import HOW_TO_READ
from .score import TestScores


def match_label(matches: Sequence[MotifMatch], n: int = 2) -> str:
    """``"CTCF MA0139.2 E = 8.8e-06, ..."``: the first ``n`` matches' names,
    JASPAR IDs and E-values; "no match" for a motif without a match below
    the E-value threshold or too uninformative to name.

    Examples
    --------
    >>> match_label([MotifMatch("MA0139.2", "CTCF", 1e-8, 0, "+", 8.8e-6)])
    'CTCF MA0139.2 E = 8.8e-06'
    """
    return (", ".join(f"{m.name} {m.matrix_id} {m.evidence}" for m in matches[:n])
            or "no match")


def _example_title(explanation: ModelExplanation, index: int) -> str:
    return (f"{explanation.name}: test positive #{index + 1}, "
            f"{explanation.probability_name} = {explanation.example_scores[index]:.3f}")


def _site_labels(sites: Sequence[tuple], planted: Mapping[str, tuple]) -> list[tuple]:
    return [(planted.get(mid, (mid,))[0], start, end, strand)
            for mid, start, end, strand in sites]


def _model_section(writer: ReportWriter, result: ModelExplanation,
                   planted: Mapping[str, tuple]) -> Section:
    """One network's section: its example maps, class optimisation and filters."""
    section = Section(result.name, result.name.lower())
    section.panels += _example_panels(writer, result, planted)
    section.panels.append(_class_panel(writer, result))
    if result.filter_pwms is not None:
        section.panels.append(_filter_panel(writer, result))
    else:
        section.intro = ("A pure recurrent model has no convolution filters to read as motifs; "
                         "its motifs are shown by class optimisation.")
    if result.discovered is not None:
        section.panels.append(_discovered_panel(writer, result))
    return section


def _discovered_panel(writer: ReportWriter, result: ModelExplanation) -> Panel:
    """TF-MoDISco's patterns in the model's attributions."""
    from ..plotting import plot_logo_grid

    motifs = result.discovered
    data_file = writer.write_json(f"{result.name.lower()}_discovered_motifs.json", [
        {"name": m.name, "n_seqlets": m.n_seqlets, "pwm": m.pwm, "contribution": m.contribution,
         "jaspar_matches": [match._asdict() for match in m.matches]} for m in motifs])
    body = (figure_html(plot_logo_grid(
        [m.pwm for m in motifs],
        [f"{m.name}: {m.n_seqlets:,} seqlets\n{match_label(m.matches)}" for m in motifs],
        ncols=4), "motifs discovered from attributions")
        if motifs else '<p class="note">TF-MoDISco found no pattern (too few seqlets: it '
                       'needs about 100 regions of high attribution).</p>')
    return Panel("Motifs discovered from attributions", HOW_TO_READ["discovered"], body,
                 [data_file])


def _example_panels(writer: ReportWriter, result: ModelExplanation,
                    planted: Mapping[str, tuple]) -> list[Panel]:
    """Saliency maps and temporal scores of the explained test positives."""
    from ..plotting import plot_saliency, plot_temporal_scores

    key = result.name.lower()
    sites = [_site_labels(s, planted) for s in result.example_sites] or [[]] * len(result.examples)
    saliency_rows = [{"example": i + 1, "position": pos, "base": letter,
                      **dict(zip("ACGT", result.saliency[i, :, pos].tolist()))}
                     for i, sequence in enumerate(result.examples)
                     for pos, letter in enumerate(sequence)]
    temporal_rows = [{"example": i + 1, "position": pos, "base": letter,
                      "forward": float(result.temporal[i, 0, pos]),
                      "backward": float(result.temporal[i, 1, pos])}
                     for i, sequence in enumerate(result.examples)
                     for pos, letter in enumerate(sequence)]
    panels = []
    for title, kind, alt, plot, values, rows in [
            ("Saliency maps", "saliency", "saliency", plot_saliency, result.saliency,
             saliency_rows),
            ("Temporal output scores", "temporal", "temporal scores", plot_temporal_scores,
             result.temporal, temporal_rows)]:
        panels.append(Panel(
            title, HOW_TO_READ[kind],
            "".join(figure_html(plot(values[i], seq, sites=sites[i],
                                     title=_example_title(result, i)),
                                f"{alt} of example {i + 1}")
                    for i, seq in enumerate(result.examples)),
            [writer.write_csv(f"{key}_{kind}.csv", rows)]))
    return panels


def _class_panel(writer: ReportWriter, result: ModelExplanation) -> Panel:
    from ..plotting import plot_logo_grid

    titles = [f"restart {i + 1}, {result.probability_name} = {score:.3f}\n"
              + (match_label(matches) if score >= 0.5 else "FAILED: not named")
              for i, (score, matches) in enumerate(zip(result.class_scores, result.class_matches))]
    class_file = writer.write_json(f"{result.name.lower()}_class_optimization.json", {
        "best_input_pwm": result.class_pwm, "motif_windows": result.class_motifs,
        "p_bound": result.class_scores,
        "jaspar_matches": [[m._asdict() for m in ms] for ms in result.class_matches]})
    return Panel("Class optimisation", HOW_TO_READ["class"],
                 figure_html(plot_logo_grid(list(result.class_motifs), titles, ncols=4),
                             "class-optimised motifs"), [class_file])


def _filter_panel(writer: ReportWriter, result: ModelExplanation) -> Panel:
    """The first-layer filters that separate the classes best."""
    from ..plotting import plot_logo_grid

    shown = result.informative_filters()
    filter_file = writer.write_json(f"{result.name.lower()}_filters.json", {
        "pwms": result.filter_pwms, "n_sites": result.filter_sites,
        "auroc_positives_vs_negatives": result.filter_aurocs,
        "jaspar_matches": [[m._asdict() for m in ms] for ms in result.filter_matches]})
    body = (figure_html(plot_logo_grid(
        [result.filter_pwms[i] for i in shown],
        [f"filter {i}: AUROC {result.filter_aurocs[i]:.2f}, {result.filter_sites[i]:,} sites"
         f"\n{match_label(result.filter_matches[i])}" for i in shown], ncols=4),
        "first-layer filter motifs")
        if shown else '<p class="note">No filter separates positives from negatives '
                      '(AUROC of its activation at least 0.6).</p>')
    return Panel("First-layer filters", HOW_TO_READ["filters"], body, [filter_file])


def _glance_section(writer: ReportWriter, data: DashboardData, scores: TestScores | None,
                    results: Sequence[ModelExplanation]) -> Section:
    auc = {row["model"]: row["test_auc"] for row in scores.rows} if scores else {}
    rows = []
    for result in results:
        row = {"model": result.name}
        if auc:
            row["test AUC"] = auc.get(result.name)
        best = float(result.class_scores[0])
        row["class optimisation: best JASPAR match"] = (
            f"FAILED: no input found that the model calls bound (best "
            f"{result.probability_name} = {best:.2f})"
            if result.class_optimisation_failed else
            f"{match_label(result.class_matches[0], 1)} ({result.probability_name} = {best:.3f})")
        if result.filter_matches is not None:
            informative = result.informative_filters()
            tops = Counter(result.filter_matches[i][0].name for i in informative
                           if result.filter_matches[i])
            row["most frequent filter match"] = (
                f"{tops.most_common(1)[0][0]} ({tops.most_common(1)[0][1]} of the "
                f"{len(informative)} filters that separate the classes best)" if tops
                else "no filter separates the classes")
        else:
            row["most frequent filter match"] = "(no filters)"
        if data.planted:
            found = [data.planted[mid][0] for mid in data.planted if recovered_motif(result, mid)]
            row["planted motifs recovered"] = f"{len(found)}/{len(data.planted)} " + (
                f"({', '.join(found)})" if found else "")
        rows.append(row)
    return Section("At a glance", "glance", [Panel(
        "What each model learned", HOW_TO_READ["glance"], table_html(rows),
        [writer.write_csv("at_a_glance.csv", rows)])])


def _planted_section(writer: ReportWriter, data: DashboardData,
                     results: Sequence[ModelExplanation]) -> Section:
    from ..plotting import plot_logo_grid

    pwms, titles, rows = [], [], []
    for mid, (name, pwm) in data.planted.items():
        pwms.append(pwm)
        titles.append(f"planted: {name} ({mid})")
        row = {"planted motif": f"{name} ({mid})"}
        for result in results:
            found = recovered_motif(result, mid)
            pwms.append(None if found is None else found[0])
            titles.append(f"{result.name}: none" if found is None else
                          f"{result.name}: {found[1]}\np = {found[2]:.1e}")
            row[result.name] = "not recovered" if found is None else (
                f"{found[1]} (p = {found[2]:.1e})")
        rows.append(row)
    auroc_rows = [{"model": r.name,
                   "attribution": f"{label}{' (shown)' if label == ATTRIBUTION else ''}",
                   "test positives": r.site_auroc_positives,
                   **aurocs} for r in results for label, aurocs in r.site_aurocs.items()]
    data_file = writer.write_json("planted_vs_recovered.json", {
        "recovered": rows, "attribution_site_auroc": auroc_rows,
        "planted_pwms": {mid: pwm for mid, (_, pwm) in data.planted.items()}})
    body = (figure_html(plot_logo_grid(pwms, titles, ncols=len(results) + 1),
                        "planted and recovered motifs")
            + table_html(rows) + table_html(auroc_rows))
    return Section("Planted vs recovered", "planted",
                   [Panel("Planted motifs and what each model recovered",
                          HOW_TO_READ["planted"], body, [data_file])])


def _dependency_section(writer: ReportWriter, data: DashboardData,
                        results: Sequence[ModelExplanation]) -> Section:
    from ..plotting import plot_order_effect

    effects = {r.name: r.order for r in results if r.order is not None}
    first, second = (name for name, _ in data.planted.values())
    rows = [{"model": name, "test positives": len(effect.forward_jump),
             f"forward jump at {second}, {first} read before": float(effect.forward_jump.mean()),
             f"forward jump at {second}, {first} erased": float(
                 effect.forward_jump_alone.mean()),
             f"backward jump at {first}, {second} read before": float(
                 effect.backward_jump.mean()),
             f"backward jump at {first}, {second} erased": float(
                 effect.backward_jump_alone.mean()),
             "dependency (larger difference)": effect.difference}
            for name, effect in effects.items()]
    data_file = writer.write_csv("motif_dependencies.csv", rows)
    body = figure_html(plot_order_effect(effects), "forward scores around the second motif")
    return Section("Motif dependencies", "dependencies", [Panel(
        f"Does the model read {second} differently after {first}?",
        HOW_TO_READ["dependencies"].format(first=first, second=second, grammar=data.grammar),
        body + table_html(rows), [data_file])])


def _learned_dependencies_section(writer: ReportWriter,
                                  results: Sequence[ModelExplanation]) -> Section:
    """Each network's spacing/order scan of its two strongest motifs and the
    site-interaction matrices of the test positives it is most sure of."""
    from ..plotting import plot_motif_spacing, plot_site_interactions

    section = Section("Dependencies each model learned", "learned-dependencies")
    for result in results:
        found = result.dependencies
        if found is None:
            continue
        first, second = found.motif_names
        scan_file = writer.write_csv(f"{result.name}_motif_spacing.csv",
                                     found.scan.to_dict(orient="records"))
        rows = [{"test positive": f"#{i + 1}",
                 "sites (1-based)": ", ".join(f"{a + 1}-{b}" for a, b in r.sites),
                 "strongest pair": ("-" if r.strongest_pair() is None else
                                    " & ".join(f"{r.sites[k][0] + 1}-{r.sites[k][1]}"
                                               for k in r.strongest_pair())),
                 "its interaction": (float("nan") if r.strongest_pair() is None
                                     else float(r.matrix[r.strongest_pair()]))}
                for i, r in enumerate(found.interactions)]
        site_file = writer.write_csv(f"{result.name}_site_interactions.csv", rows)
        figure = plot_motif_spacing({result.name: found.scan},
                                    title=f"{result.name}: {first} ({found.motifs[0]}) and "
                                          f"{second} ({found.motifs[1]})")
        maps = "".join(figure_html(plot_site_interactions(
            r.matrix, [tuple(s) for s in r.sites],
            title=f"test positive #{i + 1}"), f"site interactions of test positive #{i + 1}")
            for i, r in enumerate(found.interactions) if len(r.sites))
        section.panels.append(Panel(
            f"{result.name}: does it care where {second} sits relative to {first}?",
            HOW_TO_READ["learned_dependencies"].format(first=first, second=second),
            figure_html(figure, f"spacing and order scan of {result.name}") + maps
            + table_html(rows), [scan_file, site_file]))
    return section


def write_dashboard(
    out: str | os.PathLike,
    data: DashboardData,
    scores: TestScores | None,
    results: Sequence[ModelExplanation],
    *,
    command: str,
    provenance: Mapping[str, object],
) -> Path:
    """Write ``out/index.html`` and the data behind it; returns the page's path.

    ``scores`` is the output of :func:`score_models` (None for unlabelled
    data); ``provenance`` (seed, versions, ...) is printed in the page and
    written to ``data/provenance.json``.
    """
    from ..plotting import plot_roc_pr

    writer = ReportWriter(out)
    if results:
        writer.add(_glance_section(writer, data, scores, results))
    if scores is not None:
        rows, curves = scores.rows, scores.curves
        curve_file = writer.write_csv("test_scores.csv", [
            {"model": name, "y_true": int(t), "score": float(s)}
            for name, curve in curves.items() for t, s in zip(curve.y_true, curve.score)])
        writer.add(Section("Model comparison", "comparison", [Panel(
            "Test AUC and AUPRC", HOW_TO_READ["comparison"],
            table_html(rows) + figure_html(plot_roc_pr(curves), "ROC and PR curves"),
            [writer.write_csv("metrics.csv", rows), curve_file])]))
    if data.planted and results:
        writer.add(_planted_section(writer, data, results))
    if data.grammar and results:
        writer.add(_dependency_section(writer, data, results))
    if any(result.dependencies is not None for result in results):
        writer.add(_learned_dependencies_section(writer, results))
    for result in results:
        writer.add(_model_section(writer, result, data.planted))
    # The app (``sklearn-demo serve OUT``) lists these beside the saved models.
    writer.write_csv("test_sequences.tsv", [{"sequence": seq, "label": label}
                                            for seq, label in zip(data.X_test, data.y_test)],
                     delimiter="\t")
    provenance_file = writer.write_json("provenance.json", {"command": command, **provenance})
    footer = (f'<h2 id="provenance">How this report was made</h2><div class="panel"><pre>'
              f"{html.escape(command)}</pre>{table_html([{'item': k, 'value': v} for k, v in _flat(provenance)])}"
              f'<p class="data">Also in <a href="{provenance_file}">{provenance_file}</a></p></div>')
    return writer.write("sklearn-demo dashboard", [
        f"Data: {data.summary()}",
        f"Made {time.strftime('%Y-%m-%d %H:%M')} by: {command}",
        app_hint(out)], footer)


def app_hint(out: str | os.PathLike) -> str:
    """How to open this report's models in the interactive app, one line.

    Examples
    --------
    >>> app_hint("/nowhere")
    'Explore any sequence with your saved models, live: sklearn-demo serve --model FILE ...'
    """
    if any((Path(out) / "models").glob("*.pt")):
        return (f"Explore any sequence with these models, live (edit bases, variants, motif "
                f"hits): sklearn-demo serve {Path(out)}")
    return "Explore any sequence with your saved models, live: sklearn-demo serve --model FILE ..."


def _flat(mapping: Mapping[str, object], prefix: str = "") -> list[tuple[str, object]]:
    items = []
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            items.extend(_flat(value, f"{prefix}{key}."))
        else:
            items.append((f"{prefix}{key}", value))
    return items
