"""Why a variant matters: the motif hits (FIMO) it creates and destroys,
found by scanning its reference and alternative windows and comparing the
hits that touch the changed bases."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import numpy as np

from .motifs import scan_motifs

#: Columns of :func:`motif_changes`.
CHANGE_COLUMNS = ("allele", "change", "motif", "strand", "start", "end", "score", "p_value")


def read_motif_file(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The motifs of a MEME file (memelite's reader) as name -> (4, w)
    probabilities; a motif's alternate name (the report writes its JASPAR
    match there) is kept after a space in the name."""
    from memelite.io import read_meme

    if not os.path.isfile(path):
        raise FileNotFoundError(f"motif file {os.fspath(path)!r} does not exist.")
    motifs = read_meme(os.fspath(path))
    if not motifs:
        raise ValueError(f"{path}: no motif in this MEME file.")
    return {name: np.asarray(pwm, dtype=np.float64) for name, pwm in motifs.items()}


def motif_changes(ref_windows: Sequence[str], alt_windows: Sequence[str],
                  ref_spans: Sequence[tuple[int, int]], alt_spans: Sequence[tuple[int, int]],
                  motifs: Mapping[str, np.ndarray], *, threshold: float = 1e-4):
    """The motif hits gained and lost by each allele.

    Both windows are scanned with FIMO (:func:`~sklearn_demo.motifs.scan_motifs`,
    both strands, p below ``threshold``); only hits that overlap the changed
    bases count (REF's span ``ref_spans[i]`` in the reference window, ALT's
    ``alt_spans[i]`` in the alternative one, ``(start, end)``, 0-based, end
    excluded). A hit is kept by the allele when the other window has a hit of
    the same motif on the same strand at the same place, the alternative
    window's positions after ALT shifted back by ``len(ALT) - len(REF)``;
    otherwise it is ``"lost"`` (in the reference window only) or
    ``"gained"`` (in the alternative window only).

    Returns
    -------
    changes : pandas.DataFrame
        :data:`CHANGE_COLUMNS`: the allele's index, ``change``, the motif,
        strand, start and end in its own window, FIMO's score and p-value.

    Examples
    --------
    >>> site = np.eye(4)[:, [0, 1, 2, 3, 3, 2, 1, 0]] * 0.97 + 0.0075  # ACGTTGCA
    >>> changes = motif_changes(["T" * 10 + "ACGTTGCA" + "T" * 10], ["T" * 10 + "ACGATGCA" + "T" * 10],
    ...                         [(13, 14)], [(13, 14)], {"site": site})
    >>> changes[["allele", "change", "motif", "start"]].values.tolist()
    [[0, 'lost', 'site', 10]]
    """
    import pandas as pd

    n = len(ref_windows)
    if not (len(alt_windows) == len(ref_spans) == len(alt_spans) == n):
        raise ValueError("motif_changes: one reference window, alternative window and span "
                         "each per allele.")
    if n == 0:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    hits = scan_motifs(motifs, [*ref_windows, *alt_windows], threshold=threshold)
    hits["sequence"] = hits["sequence"].astype(int)
    rows = []
    for i in range(n):
        (r0, r1), (a0, a1) = ref_spans[i], alt_spans[i]
        shift = (a1 - a0) - (r1 - r0)

        def in_ref_coordinates(start: int) -> int:  # an alternative window's position
            return start - (a0 - r0) - (shift if start >= a1 else 0)

        ref = hits[(hits.sequence == i) & (hits.start < r1) & (hits.end > r0)]
        alt = hits[(hits.sequence == n + i) & (hits.start < a1) & (hits.end > a0)]
        ref_keys = {(m, s, int(b)) for m, s, b in zip(ref.motif, ref.strand, ref.start)}
        alt_keys = {(m, s, in_ref_coordinates(int(b)))
                    for m, s, b in zip(alt.motif, alt.strand, alt.start)}
        for change, frame, other in (("lost", ref, alt_keys), ("gained", alt, ref_keys)):
            for row in frame.itertuples():
                start = int(row.start) if change == "lost" else in_ref_coordinates(int(row.start))
                if (row.motif, row.strand, start) not in other:
                    rows.append((i, change, row.motif, row.strand, int(row.start), int(row.end),
                                 float(row.score), float(row.p_value)))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def change_names(changes, n: int) -> tuple[list[list[str]], list[list[str]]]:
    """Per allele (``n`` of them), the motifs gained and the motifs lost,
    each ``name(strand)`` once, strongest first."""
    gained, lost = [[] for _ in range(n)], [[] for _ in range(n)]
    for row in changes.sort_values("p_value", kind="stable").itertuples():
        names = gained if row.change == "gained" else lost
        label = f"{row.motif}({row.strand})"
        if label not in names[row.allele]:
            names[row.allele].append(label)
    return gained, lost
