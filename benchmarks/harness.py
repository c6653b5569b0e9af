"""The benchmarks' shared harness: the flags every suite takes, the JSON
result store, the markdown tables and the sections of RESULTS.md.

A suite builds its parser with :func:`benchmark_parser` (``--out``,
``--results``, ``--no-report``, and on request ``--mirror``/``--data-home``,
``--device``, ``--epochs``), keeps its rows in a :class:`ResultStore` under
``results/`` (a rerun of some rows replaces only those), and writes its
section with :func:`section_head`, :func:`markdown_table` and
:func:`write_section`, which keeps RESULTS.md in topic order under its
summary and index.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import sklearn
import skorch
import torch

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
DEFAULT_MIRROR = HERE.parent.parent / "shared" / "data" / "deepbind_encode"


def machine() -> str:
    """One line describing this machine and the library versions."""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    gpu = f", GPU {torch.cuda.get_device_name()}" if torch.cuda.is_available() else ""
    return (f"{cpu}, {os.cpu_count()} cores{gpu}, torch {torch.__version__} "
            f"({torch.get_num_threads()} threads), skorch {skorch.__version__}, "
            f"scikit-learn {sklearn.__version__}, Python {platform.python_version()}")


#: RESULTS.md's topics, in order: a title and the section keys (by prefix)
#: it gathers. A section whose key matches none goes under "Other".
TOPICS = (
    ("Accuracy: the ten DeepBind ENCODE sets", ("deepbind_accuracy", "genome_peaks")),
    ("Motif dependencies (DeMo's claim)", ("motif_dependencies", "rnn_order_grammar",
                                           "dependency_views")),
    ("Explanations against known motifs", ("explainers-planted", "explainers-real")),
    ("Explainer speed against peer libraries",
     ("explainers-throughput", "pytest-benchmark-temporal", "pytest-benchmark-ism",
      "dependency-peers")),
    ("Training, prediction and streaming speed",
     ("pytest-benchmark-speed", "pytest-benchmark-scaling", "streaming", "fit-time")),
    ("Several tasks at once (epigenomics)", ("multitask-",)),
    ("CPU and GPU agreement", ("device-agreement",)),
    ("The app", ("app-latency", "app-second-tab")),
    ("Motif names", ("motif-names",)),
    ("Suite and demo times", ("suite-",)),
    ("One-off studies", ("rnn_diagnosis", "epoch-caps")),
)
_BLOCK = re.compile(r"<!-- begin (?P<key>[^ ]+) -->\n(?P<text>.*?)\n<!-- end (?P=key) -->"
                    r"(?P<reading>.*?)(?=<!-- begin |^# |\Z)", re.S | re.M)
_ANCHOR = re.compile(r'^<a id="[^"]*"></a>\n')


def factor_name(dataset: str) -> str:
    """The short name of a DeepBind ENCODE set: its factor, the part before the
    first underscore ("SP1" for "SP1_GM12878_SP1_HudsonAlpha")."""
    return dataset.split("_")[0]


def topic_of(key: str) -> str:
    """The title of the topic that section ``key`` belongs to."""
    return next((title for title, prefixes in TOPICS if key.startswith(prefixes)), "Other")


def benchmark_parser(doc: str, *, data: bool = False, device: bool = False,
                     epochs: int | None = None) -> argparse.ArgumentParser:
    """The parser of a suite, with the flags every suite shares: ``--out``
    (the results folder), ``--results`` (the markdown file), ``--no-report``;
    with ``data``, ``--mirror`` and ``--data-home`` (the DeepBind files);
    with ``device``, ``--device``; with ``epochs``, ``--epochs`` (that default).
    The description is the first paragraph of ``doc``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--out", default=HERE / "results", type=Path,
                        help="folder of the JSON results and figures (default benchmarks/results)")
    parser.add_argument("--results", default=RESULTS, type=Path,
                        help="the markdown file whose section is rewritten (default RESULTS.md)")
    parser.add_argument("--no-report", action="store_true", help="do not touch RESULTS.md")
    if data:
        parser.add_argument("--mirror", default=os.environ.get("SKLEARN_DEMO_MIRROR",
                                                               DEFAULT_MIRROR),
                            help="offline folder of DeepBind's ENCODE files (default: "
                                 "$SKLEARN_DEMO_MIRROR or ../shared/data/deepbind_encode)")
        parser.add_argument("--data-home", default=None,
                            help="cache folder of the fetched files (default: scikit-learn's)")
    if device:
        parser.add_argument("--device", default="cpu", help="torch device: cpu or cuda")
    if epochs is not None:
        parser.add_argument("--epochs", type=int, default=epochs,
                            help=f"most training epochs (default {epochs})")
    return parser


def command_line(script: str, argv: Sequence[str] | None) -> str:
    """``python benchmarks/<script> <arguments>``: the command a section names."""
    arguments = list(argv if argv is not None else sys.argv[1:])
    return " ".join([f"python benchmarks/{script}", *arguments]).strip()


def section_head(title: str, command: str, *notes: str) -> list[str]:
    """A section's first lines: ``## title (date)``, the command, the machine
    and any ``notes``, as markdown list items."""
    return [f"## {title} ({datetime.date.today().isoformat()})", "",
            f"- Command: `{command}`", f"- Machine: {machine()}",
            *(f"- {note}" for note in notes), ""]


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A markdown table's lines; cells are written as ``str`` gives them."""
    return (["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
            + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows])


class ResultStore:
    """Rows of a suite in a JSON file, keyed by the ``key`` fields: ``merge``
    adds new rows and updates stored rows with the same key (a rerun of some
    columns keeps the others), then writes the file atomically.

    Examples
    --------
    >>> import tempfile
    >>> store = ResultStore(Path(tempfile.mkdtemp()) / "r.json", key=("seed",))
    >>> _ = store.merge([{"seed": 0, "cnn": 0.9}])
    >>> store.merge([{"seed": 0, "rnn": 0.8}, {"seed": 1, "cnn": 0.7}])
    [{'seed': 0, 'cnn': 0.9, 'rnn': 0.8}, {'seed': 1, 'cnn': 0.7}]
    """

    def __init__(self, path: Path, key: Sequence[str]):
        self.path, self.key = Path(path), tuple(key)

    def rows(self) -> list[dict]:
        """The stored rows (none before the first merge)."""
        return json.loads(self.path.read_text()) if self.path.exists() else []

    def merge(self, rows: Iterable[dict]) -> list[dict]:
        """Stored and new rows, new values winning, in the stored order then
        the new rows'; written back to the file."""
        merged = {tuple(row[k] for k in self.key): row for row in self.rows()}
        for row in rows:
            name = tuple(row[k] for k in self.key)
            merged[name] = {**merged.get(name, {}), **row}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        with os.fdopen(handle, "w") as out:
            out.write(json.dumps(list(merged.values()), indent=1) + "\n")
        os.replace(tmp, self.path)
        return list(merged.values())


def write_section(key: str, text: str, path: Path = RESULTS) -> None:
    """Replace the section ``key`` of ``path`` (or add it), then rewrite the
    file in topic order under its summary and an index, atomically.

    Each section keeps its own command, machine and date; the index lists
    every section under its topic (:data:`TOPICS`) with a link to it. The
    summary is the section keyed ``summary``, written by hand, as is the
    reading that may follow a section's end marker (kept with its section).
    """
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    blocks = list(_BLOCK.finditer(current))
    sections = {m["key"]: _ANCHOR.sub("", m["text"]) for m in blocks}
    readings = {m["key"]: m["reading"].strip() for m in blocks}
    sections[key] = text.strip()
    summary = sections.pop("summary", "")
    grouped: dict[str, list[str]] = {}
    for name in sections:
        grouped.setdefault(topic_of(name), []).append(name)
    order = [title for title, _ in TOPICS if title in grouped] + (
        ["Other"] if "Other" in grouped else [])
    index = ["## Index", ""]
    body = []
    for title in order:
        index.append(f"- **{title}**: " + "; ".join(
            f"[{_heading(sections[name])}](#{name})" for name in grouped[title]))
        body.append(f"# {title}")
        body += [f"<!-- begin {name} -->\n<a id=\"{name}\"></a>\n{sections[name]}\n"
                 f"<!-- end {name} -->" + (f"\n\n{readings[name]}" if readings.get(name) else "")
                 for name in grouped[title]]
    parts = ["# Benchmark results"]
    if summary:
        parts.append(f"<!-- begin summary -->\n{summary}\n<!-- end summary -->")
    parts += ["\n".join(index)] + body
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".RESULTS.")
    with os.fdopen(handle, "w") as out:
        out.write("\n\n".join(parts) + "\n")
    os.replace(tmp, path)


def _heading(text: str) -> str:
    """A section's title: its first ``## `` line, without the heading marks."""
    return next((line[3:].strip() for line in text.splitlines() if line.startswith("## ")),
                "untitled")


def save_results(args: argparse.Namespace, name: str, result: object, section: str,
                 text: Callable[[], str]) -> None:
    """A suite's results as ``args.out/<name>.json`` and, unless
    ``--no-report``, ``text()`` as section ``section`` of ``args.results``."""
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.json").write_text(json.dumps(result, indent=1))
    if not args.no_report:
        write_section(section, text(), args.results)


def peer_model(estimator: object):
    """A fitted classifier as the torch module a peer library (tangermeme)
    takes: its positive class's log-odds as ``decision_function`` gives them
    (the mean of both strands where the model reads both), shape (n, 1), in
    evaluation mode."""
    import torch
    from sklearn.frozen import FrozenEstimator

    from sklearn_demo import InteractionExplainer

    explainer = InteractionExplainer(FrozenEstimator(estimator)).fit(["ACGT"])

    class LogOdds(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.module = explainer.classifier_.module_

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return explainer._logit(x.float())[:, None]

    return LogOdds().eval()
