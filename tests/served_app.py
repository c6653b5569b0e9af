"""Start ``sklearn-demo serve`` in a child process and read the page it
serves; shared by the browser tests and ``benchmarks/app_latency.py``."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

P_LINE = re.compile(r"^(\S+): p\(bound\) = (\d\.\d{3})$")


@contextmanager
def served(*args: str, timeout: float = 120):
    """``sklearn-demo serve ARGS --port 0`` until the block ends; yields
    ``(url, process)``. The child gets SIGTERM at the end and must exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sklearn_demo.cli", "serve", *args, "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")),
                              daemon=True)
    reader.start()
    try:
        for _ in range(int(timeout * 10)):
            if lines or process.poll() is not None:
                break
            time.sleep(0.1)
        if not lines:
            process.kill()
            raise RuntimeError(f"serve printed nothing (exit {process.poll()}): "
                               f"{process.stderr.read()[-2000:]}")
        match = re.fullmatch(r"Serving on (http://\S+/)\n", lines[0])
        assert match, lines
        yield match.group(1), process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def p_lines(page) -> dict[str, str]:
    """Model name -> the p(bound) its line shows, as the three-decimal text."""
    found = {}
    for text in page.locator(".p-line").all_inner_texts():
        match = P_LINE.match(text.strip())
        assert match, text
        found[match.group(1)] = match.group(2)
    return found


#: JavaScript: the value of a named Bokeh data source's column at an index,
#: from whichever document on the page holds it.
SOURCE_VALUE = """([name, column, index]) => {
    for (const doc of window.Bokeh.documents) {
        const source = doc.get_model_by_name(name);
        if (source) { const values = source.data.get ? source.data.get(column)
                                                     : source.data[column];
                      return values === undefined ? null : Number(values[index]); }
    }
    return null;
}"""


def expected_page(engine, sequence: str, position: int, *, method: str,
                  views) -> tuple[dict[str, str], dict[str, float]]:
    """What the page must show for ``sequence``, from ``engine`` (a
    :class:`~sklearn_demo.dashboard.SequenceExplorer` over the same model
    files): every p(bound) line, and each shown map's value at 0-based
    ``position`` (for the base there, or, in maps that are 0 at the present
    base, for the next base), keyed for :func:`wait_for_reading`."""
    readings = engine.read(sequence, method=method, views=views)
    lines = {name: f"{reading.p_bound:.3f}" for name, reading in readings.items()}
    present = "ACGT".index(sequence[position])
    maps = {}
    for name, reading in readings.items():
        for source, matrix in (("heat", reading.attribution), ("ism", reading.mutations)):
            if matrix is not None:
                base = present if matrix[present, position] != 0 else (present + 1) % 4
                maps[f"{name}-{source}:value:{4 * position + base}"] = float(
                    matrix[base, position])
        if reading.temporal is not None:
            maps[f"{name}-temporal:forward:{position}"] = float(reading.temporal[0, position])
    return lines, maps


def wait_for_reading(page, expected: dict[str, str], maps: dict[str, float],
                     timeout_ms: float = 60_000) -> None:
    """Wait until every p(bound) line reads ``expected`` (``{}``: none
    checked) and every named source's value (``"SOURCE:COLUMN:INDEX" ->
    value``) is within 1e-4."""
    page.wait_for_function("""([expected, maps, sourceValue]) => {
        const value = eval(sourceValue);
        // The p(bound) lines live in a shadow root: found once, walked again
        // only when that root leaves the page (a re-render).
        const findRoot = (root) => {
            if (root.querySelector('.p-line')) return root;
            for (const el of root.querySelectorAll('*'))
                if (el.shadowRoot) {
                    const found = findRoot(el.shadowRoot);
                    if (found) return found;
                }
            return null;
        };
        if (Object.keys(expected).length) {
            let root = window.__pLineRoot;
            if (!root || !root.isConnected && !(root.host && root.host.isConnected)
                    || !root.querySelector('.p-line'))
                root = window.__pLineRoot = findRoot(document);
            if (!root) return false;
            const lines = Array.from(root.querySelectorAll('.p-line'), el => el.textContent);
            const shown = Object.fromEntries(lines.map(t => {
                const m = t.trim().match(/^(\\S+): p\\(bound\\) = (\\d\\.\\d{3})$/);
                return m ? [m[1], m[2]] : [t, null];
            }));
            for (const [name, p] of Object.entries(expected)) if (shown[name] !== p) return false;
        }
        for (const [key, want] of Object.entries(maps)) {
            const [name, column, index] = key.split(':');
            const got = value([name, column, Number(index)]);
            if (got === null || Number.isNaN(got)
                    || Math.abs(got - want) > 1e-4 * Math.max(1, Math.abs(want))) return false;
        }
        return true;
    }""", arg=[expected, maps, SOURCE_VALUE], timeout=timeout_ms, polling=10)


#: JavaScript: ``[start, end, bounds_start, bounds_end]`` of the app's shared
#: x range ("sequence_x") as the browser holds it.
X_VIEW = """() => {
    for (const doc of window.Bokeh.documents) {
        const range = doc.get_model_by_name('sequence_x');
        if (range) return [range.start, range.end].concat(range.bounds || [null, null]);
    }
    return null;
}"""


def x_view(page) -> list[float] | None:
    """The page's own x view of the open sequence: start, end and bounds."""
    return page.evaluate(X_VIEW)
