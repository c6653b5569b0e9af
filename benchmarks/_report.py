"""Writing benchmark sections into benchmarks/RESULTS.md."""
from __future__ import annotations

import os
import platform
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


def write_section(key: str, text: str, path: Path = RESULTS) -> None:
    """Replace the section marked ``key`` in ``path`` (or append it), atomically."""
    begin, end = f"<!-- begin {key} -->", f"<!-- end {key} -->"
    block = f"{begin}\n{text.strip()}\n{end}"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        updated = head + block + rest.split(end, 1)[1]
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".RESULTS.")
    with os.fdopen(handle, "w") as out:
        out.write(updated)
    os.replace(tmp, path)
