"""Writing benchmark sections into benchmarks/RESULTS.md."""
from __future__ import annotations

import os
import platform
import re
import tempfile
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
    ("Motif dependencies (DeMo's claim)", ("motif_dependencies", "rnn_order_grammar")),
    ("Explanations against known motifs", ("explainers-planted", "explainers-real")),
    ("Explainer speed against peer libraries",
     ("explainers-throughput", "pytest-benchmark-temporal", "pytest-benchmark-ism")),
    ("Training, prediction and streaming speed",
     ("pytest-benchmark-speed", "pytest-benchmark-scaling", "streaming")),
    ("CPU and GPU agreement", ("device-agreement",)),
    ("The app", ("app-latency",)),
    ("One-off studies", ("rnn_diagnosis", "epoch-caps")),
)
_BLOCK = re.compile(r"<!-- begin (?P<key>[^ ]+) -->\n(?P<text>.*?)\n<!-- end (?P=key) -->"
                    r"(?P<reading>.*?)(?=<!-- begin |^# |\Z)", re.S | re.M)
_ANCHOR = re.compile(r'^<a id="[^"]*"></a>\n')


def topic_of(key: str) -> str:
    """The title of the topic that section ``key`` belongs to."""
    return next((title for title, prefixes in TOPICS if key.startswith(prefixes)), "Other")


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
