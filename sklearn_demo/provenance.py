"""What every command records beside its outputs: the command line, seed,
settings, library versions and machine, so a result can be traced and rerun."""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from ._atomic import atomic_path

#: Distributions whose versions shape a result, recorded in every provenance.
VERSIONED = ("torch", "skorch", "scikit-learn", "numpy", "shap", "memelite", "pyjaspar",
             "gkmsvm-lite", "dinuc-shuf", "biopython", "matplotlib")


def versions() -> dict[str, str]:
    """This package's, Python's and :data:`VERSIONED`'s versions."""
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    versions = {"sklearn_demo": __version__, "python": platform.python_version()}
    for name in VERSIONED:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    versions["JASPAR release"] = "JASPAR2024 (pyjaspar)"
    return versions



def command_line(args: argparse.Namespace) -> str:
    """The command as typed: ``sklearn-demo`` and its arguments."""
    return " ".join(["sklearn-demo"] + args.argv)


def provenance(args: argparse.Namespace) -> dict:
    """Seed, settings, versions and machine of a run, for its outputs."""
    import torch

    return {"seed": getattr(args, "seed", None), "device": getattr(args, "device", None),
            "epochs": getattr(args, "epochs", None),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
                       f"torch threads {torch.get_num_threads()}",
            "versions": versions(),
            "arguments": {k: v for k, v in vars(args).items() if k not in ("command", "argv")}}


def write_provenance(path: Path, args: argparse.Namespace) -> None:
    """The command and :func:`provenance` as JSON at ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps({"command": command_line(args), **provenance(args)}, indent=1) + "\n")
