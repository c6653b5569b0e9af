"""Each test's CPU time, beside its wall time: a pytest plugin and its summary.

Wall times (``--durations``) of tests that share a machine hide where the
work is: a test slowed by its neighbour looks as heavy as one that computes
twice as much. This plugin records, around each test, the CPU seconds of the
pytest process (every thread) and of the child processes it waited for, and
writes one JSON file per process (per pytest-xdist worker) to
``$PYTEST_CPU_TIME_DIR`` (default ``suite_cpu``). The CPU of a test above
its wall time means the process computed on more threads than it was given.

Run the suite with it, then summarise by module::

    PYTHONPATH=benchmarks/studies .venv/bin/python -m pytest -p pytest_cpu_time \\
        -n auto --dist loadfile --no-loadscope-reorder -q
    python benchmarks/studies/pytest_cpu_time.py suite_cpu
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

_ROWS: list[tuple[str, float, float, float]] = []


def _cpu_seconds() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    (own, children), start = _cpu_seconds(), time.perf_counter()
    yield
    own_after, children_after = _cpu_seconds()
    _ROWS.append((item.nodeid, own_after - own, children_after - children,
                  time.perf_counter() - start))


def pytest_sessionfinish(session):
    folder = Path(os.environ.get("PYTEST_CPU_TIME_DIR", "suite_cpu"))
    folder.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    (folder / f"{worker}.json").write_text(json.dumps(_ROWS))


def summarise(folder: Path) -> None:
    """Print each worker's wall time and the modules by wall time."""
    modules: dict[str, list] = defaultdict(lambda: [0.0, 0.0, 0.0, ""])
    for path in sorted(folder.glob("*.json")):
        for nodeid, own, children, wall in json.loads(path.read_text()):
            row = modules[nodeid.split("::")[0]]
            row[0] += own
            row[1] += children
            row[2] += wall
            row[3] = path.stem
    for worker in sorted({row[3] for row in modules.values()}):
        print(f"{worker}: {sum(r[2] for r in modules.values() if r[3] == worker):.0f} s of wall")
    print(f"{'own CPU':>8} {'children':>8} {'wall':>8}  worker  module")
    for name, (own, children, wall, worker) in sorted(modules.items(), key=lambda kv: -kv[1][2]):
        print(f"{own:8.1f} {children:8.1f} {wall:8.1f}  {worker:6}  {name}")


if __name__ == "__main__":
    summarise(Path(sys.argv[1] if len(sys.argv) > 1 else "suite_cpu"))
