"""Compiling the numba kernels of the motif tools once per installation.

memelite's TOMTOM and FIMO and modisco-lite's TF-MoDISco compile on first
use (a minute or more on 2 cores); the install step (``make``) calls
:func:`compile_motif_tools` so that no first dashboard, app or test waits.
It sits apart from the modules it warms up, which import none of it.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np

from .datasets import make_motif_dataset
from .encoding import check_dna
from .explain.discovery import cache_modisco_kernels
from .motifs import fetch_jaspar_motifs, match_motifs, scan_motifs


#: What :func:`compile_motif_tools` compiles, in parts that can run in
#: separate processes at once (TOMTOM takes the longest).
PARTS = ("tomtom", "fimo", "modisco")


def compile_motif_tools(parts: Sequence[str] = PARTS) -> None:
    """Compile memelite's TOMTOM and FIMO, and modisco-lite's TF-MoDISco
    kernels (``parts`` of :data:`PARTS`), now rather than at their first use.

    numba compiles them on first call (a minute or more on a small machine)
    and caches the machine code beside the installed package, once per
    installation. ``make demo`` and ``make test`` run this right after
    installing, as ``python -m sklearn_demo.warmup tomtom`` and ``... fimo
    modisco`` side by side, so the first dashboard does not pause for it (the
    example below is not run by the test suite: the install step already ran it).

    Examples
    --------
    >>> compile_motif_tools()  # doctest: +SKIP
    """
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ValueError(f"unknown warm-up parts {unknown}; the parts are {list(PARTS)}.")
    if {"tomtom", "fimo"} & set(parts):
        ctcf = fetch_jaspar_motifs(["MA0139"])["MA0139"].pwm
        if "tomtom" in parts:
            match_motifs([ctcf], n_matches=1)
        if "fimo" in parts:
            scan_motifs({"CTCF": ctcf}, ["ACGT" * 10])
    if "modisco" in parts:
        _compile_modisco_kernels()


def _compile_modisco_kernels() -> None:
    """Compile modisco-lite's kernels into numba's cache now, so that the
    first :func:`~sklearn_demo.explain.discovery.discover_motifs` of an
    installation does not wait for them: a TF-MoDISco run on attributions of planted CTCF
    and GABPA sites (1 at the sites' present bases, plus Gaussian noise
    everywhere), then the one kernel that run does not reach.
    :func:`compile_motif_tools` calls it."""
    from modiscolite.affinitymat import pairwise_jaccard
    from modiscolite.tfmodisco import TFMoDISco

    data = make_motif_dataset(400, random_state=0)
    one_hot = check_dna(data.X[data.y == 1]).transpose(0, 2, 1).astype(np.float32)
    noise = np.random.RandomState(0).normal(0, 0.1, one_hot.shape).astype(np.float32)
    attributions = one_hot * data.mask[data.y == 1][:, :, None] + noise
    cache_modisco_kernels()
    TFMoDISco(one_hot, attributions, verbose=False)
    # The similarity kernel of the check for spuriously merged patterns: the
    # test's run on a trained CNN reached it, this small run does not.
    pairwise_jaccard(noise.reshape(len(noise), -1)[:, :40].copy(), 3)


if __name__ == "__main__":
    compile_motif_tools(sys.argv[1:] or PARTS)
