"""A self-contained HTML report: panels of figures, tables and the data
behind them.

Figures are embedded as PNG data URIs, so ``index.html`` opens offline as a
single file; the numbers behind every figure are written next to it (CSV or
JSON) and linked from its panel.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt

from ._atomic import atomic_path

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0;
       color: #1d2733; background: #f4f6f9; }
header { background: #17324d; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px 0; font-size: 24px; }
header p { margin: 2px 0; opacity: 0.85; font-size: 14px; }
nav { padding: 8px 32px; background: #e3e9f0; font-size: 14px; position: sticky; top: 0; }
nav a { margin-right: 14px; color: #17324d; }
main { padding: 8px 32px 40px 32px; max-width: 1400px; }
h2 { border-bottom: 2px solid #17324d; padding-bottom: 4px; margin-top: 34px; }
.panel { background: #fff; border-radius: 8px; padding: 14px 18px; margin: 14px 0;
         box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); }
.panel h3 { margin: 0 0 6px 0; font-size: 17px; }
.panel img { max-width: 100%; height: auto; display: block; margin: 8px 0; }
details { font-size: 14px; color: #35506b; margin-bottom: 6px; }
summary { cursor: pointer; font-weight: 600; }
table { border-collapse: collapse; font-size: 14px; margin: 8px 0; }
th, td { border-bottom: 1px solid #d5dde6; padding: 4px 10px; text-align: left; }
th { background: #eef2f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.data { font-size: 13px; color: #555; }
.note { font-size: 14px; color: #6b4e00; background: #fff6d6; padding: 6px 10px;
        border-radius: 4px; }
pre { background: #eef2f6; padding: 8px; border-radius: 4px; white-space: pre-wrap;
      font-size: 13px; }
"""


def figure_html(fig: plt.Figure, alt: str, *, dpi: int = 100) -> str:
    """An ``<img>`` tag holding the figure as an embedded PNG; closes the figure.

    The figure is saved as laid out (every plot of :mod:`sklearn_demo.plotting`
    uses a constrained or tight layout), not with ``bbox_inches="tight"``,
    which draws every figure twice.

    Examples
    --------
    >>> fig = plt.figure(figsize=(1, 1))
    >>> figure_html(fig, "empty").startswith('<img alt="empty" src="data:image/png;base64,')
    True
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'


def table_html(rows: Sequence[Mapping[str, object]]) -> str:
    """An HTML table of rows that share their keys; floats get 3 decimals.

    Examples
    --------
    >>> table_html([{"model": "CNN", "auc": 0.98765}])
    '<table><tr><th>model</th><th>auc</th></tr><tr><td>CNN</td><td class="num">0.988</td></tr></table>'
    """
    if not rows:
        return ""
    header = list(rows[0])
    cells = ["<tr>" + "".join(f"<th>{html.escape(str(key))}</th>" for key in header) + "</tr>"]
    for row in rows:
        cells.append("<tr>" + "".join(_cell(row.get(key)) for key in header) + "</tr>")
    return "<table>" + "".join(cells) + "</table>"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f'<td class="num">{value:.3f}</td>'
    if isinstance(value, int):
        return f'<td class="num">{value}</td>'
    return f"<td>{html.escape('' if value is None else str(value))}</td>"


@dataclass
class Panel:
    """One figure or table with its explanation and its data files."""

    title: str
    how_to_read: str
    body: str
    data_files: list[str] = field(default_factory=list)

    def html(self) -> str:
        links = ", ".join(f'<a href="{html.escape(name)}">{html.escape(name)}</a>'
                          for name in self.data_files)
        data = f'<p class="data">Numbers behind this panel: {links}</p>' if links else ""
        return (f'<div class="panel"><h3>{html.escape(self.title)}</h3>'
                f"<details open><summary>How to read this</summary><p>{self.how_to_read}</p>"
                f"</details>{self.body}{data}</div>")


@dataclass
class Section:
    """A titled group of panels (one per model, or the comparison)."""

    title: str
    anchor: str
    panels: list[Panel] = field(default_factory=list)
    intro: str = ""


class ReportWriter:
    """Collects sections and data files and writes ``index.html``.

    Parameters
    ----------
    out_dir : path-like
        Folder of the report; data files go to ``out_dir/data``.

    Examples
    --------
    >>> import tempfile
    >>> writer = ReportWriter(tempfile.mkdtemp())
    >>> name = writer.write_json("x.json", {"a": 1})
    >>> writer.add(Section("Nothing", "nothing", [Panel("t", "read it", "<p>hi</p>", [name])]))
    >>> writer.write("Toy", ["made by a doctest"]).name
    'index.html'
    """

    def __init__(self, out_dir: str | Path):
        self.out_dir = Path(out_dir)
        self.data_dir = self.out_dir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.sections: list[Section] = []

    def add(self, section: Section) -> None:
        self.sections.append(section)

    def write_csv(self, name: str, rows: Iterable[Mapping[str, object]], *,
                  delimiter: str = ",") -> str:
        """Write rows to ``data/name``; returns the path relative to the report."""
        rows = list(rows)
        with atomic_path(self.data_dir / name) as tmp, open(tmp, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else [],
                                    delimiter=delimiter, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        return f"data/{name}"

    def write_json(self, name: str, payload: object) -> str:
        """Write JSON to ``data/name``; returns the path relative to the report."""
        with atomic_path(self.data_dir / name) as tmp:
            tmp.write_text(json.dumps(payload, indent=1, default=_jsonable) + "\n")
        return f"data/{name}"

    def write(self, title: str, subtitle_lines: Sequence[str], footer: str = "") -> Path:
        """Write ``index.html`` and return its path."""
        nav = "".join(f'<a href="#{s.anchor}">{html.escape(s.title)}</a>' for s in self.sections)
        body = []
        for section in self.sections:
            body.append(f'<h2 id="{section.anchor}">{html.escape(section.title)}</h2>')
            if section.intro:
                body.append(f"<p>{section.intro}</p>")
            body.extend(panel.html() for panel in section.panels)
        subtitle = "".join(f"<p>{html.escape(line)}</p>" for line in subtitle_lines)
        page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
                f"<header><h1>{html.escape(title)}</h1>{subtitle}</header>"
                f"<nav>{nav}</nav><main>{''.join(body)}{footer}</main></body></html>\n")
        path = self.out_dir / "index.html"
        with atomic_path(path, suffix=".html") as tmp:
            tmp.write_text(page, encoding="utf-8")
        return path


def _jsonable(value: object) -> object:
    """numpy scalars and arrays as plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
