"""The report of a multi-task network: one DeMo report per task, under an
index page with the per-task AUC/AUPRC table and a task chooser."""
from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .._atomic import atomic_path
from ..metrics import task_scores
from .build import build_dashboard
from .data import DashboardData


def _slug(task: str) -> str:
    """A folder name for ``task``: letters, digits, dot, dash, underscore."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", task).strip("_") or "task"


def build_task_dashboards(
    model: object,
    X_train: np.ndarray,
    Y_train: np.ndarray,
    X_test: np.ndarray,
    Y_test: np.ndarray,
    *,
    out: str | Path = "results",
    name: str = "tasks",
    tasks: Sequence[object] | None = None,
    log=print,
    **report_params: object,
) -> Path:
    """Write ``out/<task>/index.html``, the full report of each task of a
    fitted multi-task network (scores, maps, class-optimised motifs with
    their JASPAR matches), and ``out/index.html``: every task's test AUC and
    AUPRC in a table and a figure, with a chooser that opens a task's report.

    Each task's report reads the model as that task alone
    (:meth:`~sklearn_demo.base.DeMoClassifier.task_classifier`) on the
    sequences whose label for it is known; a task whose test labels hold one
    class gets a row but no report. ``tasks`` restricts the reports to some
    tasks (names or indices); ``report_params`` go to
    :func:`~sklearn_demo.dashboard.build_dashboard`.

    Returns the index page's path. Read more in the
    :doc:`User Guide </guide/multitask>`.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = [str(t) for t in model.tasks_]
    chosen = {model.task_index(t) for t in tasks} if tasks is not None else set(range(len(names)))
    rows = task_scores(Y_test, model.predict_proba(X_test), names)
    for index, row in enumerate(rows):
        row["report"] = None
        if index not in chosen or np.isnan(row["auc"]):
            continue
        train = ~np.isnan(np.asarray(Y_train[:, index], dtype=float))
        test = ~np.isnan(np.asarray(Y_test[:, index], dtype=float))
        data = DashboardData(f"{name}: {row['task']}", X_train[train],
                             Y_train[train, index].astype(int), X_test[test],
                             Y_test[test, index].astype(int))
        folder = _slug(row["task"])
        log(f"task {row['task']}: report in {out / folder}")
        build_dashboard(data, {type(model).__name__: model.task_classifier(index)},
                        out=out / folder, save_models=False, log=log, **report_params)
        row["report"] = f"{folder}/index.html"
    page = out / "index.html"
    with atomic_path(page) as tmp:
        Path(tmp).write_text(_index_page(name, type(model).__name__, rows), encoding="utf-8")
    return page


def _figure(rows: list[dict]) -> str:
    """Per-task AUC and AUPRC as horizontal bars, a base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 0.35 * len(rows) + 1.2))
    y = np.arange(len(rows))
    ax.barh(y - 0.2, [r["auc"] for r in rows], height=0.4, label="test AUC")
    ax.barh(y + 0.2, [r["auprc"] for r in rows], height=0.4, label="test AUPRC")
    ax.set_yticks(y, [r["task"] for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _index_page(name: str, model: str, rows: list[dict]) -> str:
    def cell(x: float) -> str:
        return "n/a" if np.isnan(x) else f"{x:.3f}"

    body = "".join(
        f"<tr><td>{html.escape(r['task'])}</td><td>{r['positives']}</td><td>{r['n']}</td>"
        f"<td>{cell(r['auc'])}</td><td>{cell(r['auprc'])}</td><td>"
        + (f"<a href=\"{html.escape(r['report'])}\">report</a>" if r["report"] else "none")
        + "</td></tr>" for r in rows)
    options = "".join(f"<option value=\"{html.escape(r['report'])}\">{html.escape(r['task'])}"
                      "</option>" for r in rows if r["report"])
    finite = [r for r in rows if not np.isnan(r["auc"])]
    mean = np.mean([r["auc"] for r in finite]) if finite else float("nan")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(name)}: tasks</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{padding:.3em .8em;border-bottom:1px solid #ddd}}
td:nth-child(n+2){{text-align:right}}</style></head><body>
<h1>{html.escape(name)}: {len(rows)} tasks, one {html.escape(model)}</h1>
<p><label>Open the report of task
<select id="task" onchange="if (this.value) location.href = this.value">
<option value="">choose a task</option>{options}</select></label></p>
<p>Mean test AUC over the tasks {cell(mean)}. Each task's report explains the
network's output for that task alone.</p>
<table><thead><tr><th>task</th><th>test positives</th><th>test windows</th>
<th>AUC</th><th>AUPRC</th><th></th></tr></thead><tbody>{body}</tbody></table>
<p><img alt="test AUC and AUPRC per task" src="data:image/png;base64,{_figure(rows)}"></p>
</body></html>
"""
