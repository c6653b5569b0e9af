"""Turn a pytest-benchmark JSON file into a section of benchmarks/RESULTS.md.

Usage::

    python -m pytest benchmarks/test_bench_temporal.py --benchmark-json=benchmarks/results/temporal.json
    python benchmarks/report_pytest_benchmark.py benchmarks/results/temporal.json temporal \\
        "python -m pytest benchmarks/test_bench_temporal.py --benchmark-json=benchmarks/results/temporal.json"

A fifth argument describes the machine, for a JSON file made elsewhere (a GPU
machine); by default it is this one.
"""
from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import machine, write_section  # noqa: E402


def main(path: str, key: str, command: str, where: str | None = None) -> None:
    data = json.loads(Path(path).read_text())
    lines = [f"## pytest-benchmark: {key} ({datetime.date.today().isoformat()})", "",
             f"- Command: `{command}`", f"- Machine: {where or machine()}", "",
             "| group | test | min s | mean s | rounds | extra |", "|---|---|---|---|---|---|"]
    for bench in sorted(data["benchmarks"], key=lambda b: (b["group"] or "", b["name"])):
        extra = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in bench.get("extra_info", {}).items())
        stats = bench["stats"]
        lines.append(f"| {bench['group']} | `{bench['name']}` | {stats['min']:.4f} | "
                     f"{stats['mean']:.4f} | {stats['rounds']} | {extra} |")
    lines += ["", "Within each group, the fastest over each other row (ratio of min times, same run):",
              ""]
    groups: dict[str, list[dict]] = {}
    for bench in data["benchmarks"]:
        groups.setdefault(bench["group"] or "", []).append(bench)
    for group, benches in sorted(groups.items()):
        fastest, *others = sorted(benches, key=lambda b: b["stats"]["min"])
        lines += [f"- {group}: `{fastest['name']}` {other['stats']['min'] / fastest['stats']['min']:.2f}x "
                  f"`{other['name']}`" for other in others]
    write_section(f"pytest-benchmark-{key}", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:5])
