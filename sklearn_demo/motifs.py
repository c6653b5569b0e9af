"""Known motifs: JASPAR matrices read offline through ``pyjaspar``; motifs
written as MEME files."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from ._threads import torch_threads_kept


class Motif(NamedTuple):
    """A JASPAR motif as a probability matrix."""

    matrix_id: str
    """JASPAR id with version, e.g. ``"MA0139.2"``."""
    name: str
    """Transcription factor name, e.g. ``"CTCF"``."""
    pwm: np.ndarray
    """ndarray of shape (4, width): base probabilities, rows A, C, G, T."""


@lru_cache(maxsize=8)
def _jaspar_db(release: str):
    from pyjaspar import jaspardb

    return jaspardb(release=release)


def fetch_jaspar_motifs(
    matrix_ids: Sequence[str], *, release: str = "JASPAR2024", pseudocount: float = 0.5
) -> dict[str, Motif]:
    """Fetch motifs by JASPAR id from the database that ``pyjaspar`` ships.

    Parameters
    ----------
    matrix_ids : sequence of str
        Ids with or without version (``"MA0139"`` takes the latest version).
    release : str, default="JASPAR2024"
    pseudocount : float, default=0.5
        Added to every count before normalising to probabilities.

    Returns
    -------
    motifs : dict
        Requested id -> :class:`Motif`, in the order asked.

    Examples
    --------
    >>> motif = fetch_jaspar_motifs(["MA0139"])["MA0139"]
    >>> motif.name, motif.pwm.shape
    ('CTCF', (4, 15))
    """
    db = _jaspar_db(release)
    out = {}
    for mid in matrix_ids:
        record = db.fetch_motif_by_id(mid)
        if record is None:
            raise ValueError(f"JASPAR matrix {mid!r} is not in {release}.")
        counts = np.array([record.counts[base] for base in "ACGT"], dtype=np.float64)
        counts += pseudocount
        out[mid] = Motif(record.matrix_id, record.name, counts / counts.sum(axis=0))
    return out


class MotifMatch(NamedTuple):
    """One known motif matched to a query by TOMTOM."""

    matrix_id: str
    name: str
    p_value: float
    offset: int
    """Offset of the best alignment (memelite's convention)."""
    strand: str
    """``"+"`` or ``"-"``: the known motif as given or its reverse complement."""
    e_value: float | None = None
    """``p_value`` times the number of matrices compared: the matches a query
    of no resemblance to any of them expects at this p-value (None in reports
    written before E-values)."""

    @property
    def evidence(self) -> str:
        """``"E = 1.2e-05"`` (``"p = ..."`` for a match without an E-value).

        Examples
        --------
        >>> MotifMatch("MA0139.2", "CTCF", 1e-8, 0, "+", 8.8e-6).evidence
        'E = 8.8e-06'
        """
        if self.e_value is None:
            return f"p = {self.p_value:.1e}"
        return f"E = {self.e_value:.1e}"


@lru_cache(maxsize=4)
def jaspar_collection(
    release: str = "JASPAR2024", tax_group: str = "vertebrates", collection: str = "CORE"
) -> tuple[Motif, ...]:
    """Every motif of a JASPAR collection as probability matrices (cached).

    Examples
    --------
    >>> len(jaspar_collection()) > 800
    True
    """
    records = _jaspar_db(release).fetch_motifs(collection=collection, tax_group=[tax_group])
    motifs = []
    for record in records:
        counts = np.array([record.counts[base] for base in "ACGT"], dtype=np.float64) + 0.5
        motifs.append(Motif(record.matrix_id, record.name, counts / counts.sum(axis=0)))
    return tuple(motifs)


#: A query motif carrying fewer bits than this in all (after its flanks of
#: under ``FLANK_BITS`` per column are trimmed) is uninformative: it gets no
#: name. A blank logo (a failed class optimisation) carries ~0.01 bits; the
#: shortest JASPAR motifs (6 bases) carry 6 or more.
MIN_BITS = 4.0

#: Columns at either end carrying fewer bits than this are trimmed before
#: matching: they say nothing, and they align anywhere.
FLANK_BITS = 0.25

#: Matches are named only below this E-value (``p_value`` x matrices
#: compared): random matrices then get a name about this often (2.5% of
#: Dirichlet(1) matrices in tests/test_motifs.py), as TOMTOM's p-values are
#: calibrated under MEME's column-correlation distance.
MAX_E_VALUE = 0.05


def correlation_columns(pwm: np.ndarray) -> np.ndarray:
    """Each column of a (4, w) matrix centred and scaled to unit length, so
    that the Euclidean distance memelite's TOMTOM computes between columns is
    MEME TOMTOM's default Pearson correlation distance (ED^2 = 2 - 2r); a
    uniform column becomes zeros, equally far from every column.

    Examples
    --------
    >>> correlation_columns(np.array([[1.0, 0.25], [0, 0.25], [0, 0.25], [0, 0.25]])).round(3)
    array([[ 0.866,  0.   ],
           [-0.289,  0.   ],
           [-0.289,  0.   ],
           [-0.289,  0.   ]])
    """
    centred = np.asarray(pwm, dtype=np.float64)
    centred = centred - centred.mean(axis=0, keepdims=True)
    norms = np.sqrt((centred ** 2).sum(axis=0, keepdims=True))
    return np.divide(centred, norms, out=np.zeros_like(centred), where=norms > 1e-9)


def informative_span(pwm: np.ndarray) -> slice | None:
    """The columns of ``pwm`` between its first and last of at least
    ``FLANK_BITS``, or None when they carry fewer than ``MIN_BITS`` in all.

    Examples
    --------
    >>> informative_span(np.full((4, 15), 0.25)) is None
    True
    >>> informative_span(np.eye(4)[:, [0, 0, 1, 2, 3]] * 0.97 + 0.0075)
    slice(0, 5, None)
    """
    bits = information_content(pwm)
    kept = np.flatnonzero(bits >= FLANK_BITS)
    if not len(kept):
        return None
    span = slice(int(kept[0]), int(kept[-1]) + 1)
    return span if bits[span].sum() >= MIN_BITS else None


def best_window_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """The largest Pearson correlation of the narrower of two (4, w)
    matrices with any window of the wider one, on either strand: how alike
    two motifs are, wherever one sits in the other.

    Examples
    --------
    >>> site = np.eye(4)[:, [0, 1, 2]] * 0.97 + 0.0075
    >>> wider = np.concatenate([np.full((4, 2), 0.25), site[::-1, ::-1]], axis=1)
    >>> round(best_window_correlation(site, wider), 6)
    1.0
    """
    short, long = sorted((np.asarray(a), np.asarray(b)), key=lambda m: m.shape[1])
    width = short.shape[1]
    return max(float(np.corrcoef(long[:, j:j + width].ravel(), strand.ravel())[0, 1])
               for strand in (short, short[::-1, ::-1])
               for j in range(long.shape[1] - width + 1))


@lru_cache(maxsize=4)
def _correlation_targets(release: str, tax_group: str) -> tuple[np.ndarray, ...]:
    return tuple(correlation_columns(t.pwm) for t in jaspar_collection(release, tax_group))


@torch_threads_kept()
def match_motifs(
    pwms: Sequence[np.ndarray],
    *,
    n_matches: int = 5,
    release: str = "JASPAR2024",
    tax_group: str = "vertebrates",
    max_e_value: float = MAX_E_VALUE,
) -> list[list[MotifMatch]]:
    """Best JASPAR matches of each query motif by TOMTOM (``memelite``),
    named only where they mean something.

    A query is trimmed of uninformative flanks and, carrying fewer than
    ``MIN_BITS`` bits, gets no match at all (a blank logo matched CTCF at
    p = 6e-15 before). Columns are compared by Pearson correlation, MEME
    TOMTOM's default (:func:`correlation_columns`); memelite scores raw
    probabilities by Euclidean distance, under which low-information columns
    match low-information target columns "significantly". Matches come with
    their E-value and are kept below ``max_e_value``. Read more in the
    :doc:`User Guide </guide/explaining>`.

    Parameters
    ----------
    pwms : sequence of ndarray of shape (4, width)
        Query motifs as base probabilities (rows A, C, G, T).
    n_matches : int, default=5
        Matches kept per query at most, best (smallest p-value) first.
    release, tax_group : str
        The JASPAR CORE collection compared against.
    max_e_value : float, default=MAX_E_VALUE (0.05)
        Largest E-value (p x the number of matrices) of a match kept.

    Returns
    -------
    matches : list of list of MotifMatch
        Empty for an uninformative query or one without a match below
        ``max_e_value``. Offsets are on the trimmed query.

    Examples
    --------
    >>> ctcf = fetch_jaspar_motifs(["MA0139"])["MA0139"].pwm
    >>> match_motifs([ctcf], n_matches=1)[0][0].name
    'CTCF'
    >>> match_motifs([np.full((4, 15), 0.25)])
    [[]]
    """
    from memelite import tomtom

    targets = jaspar_collection(release, tax_group)
    queries = [np.asarray(pwm, dtype=np.float64) for pwm in pwms]
    for index, query in enumerate(queries):
        if query.ndim != 2 or query.shape[0] != 4:
            raise ValueError(f"Query motif {index} must have shape (4, width), got {query.shape}.")
    spans = [informative_span(query) for query in queries]
    informative = [i for i, span in enumerate(spans) if span is not None]
    found: list[list[MotifMatch]] = [[] for _ in queries]
    if not informative:
        return found
    p_values, _, offsets, _, strands, indices = tomtom(
        [correlation_columns(queries[i][:, spans[i]]) for i in informative],
        list(_correlation_targets(release, tax_group)), n_nearest=n_matches, n_jobs=1)
    for row, q in enumerate(informative):
        for p, o, s, t in zip(p_values[row], offsets[row], strands[row], indices[row]):
            e_value = float(p) * len(targets)
            if e_value < max_e_value:
                found[q].append(MotifMatch(targets[int(t)].matrix_id, targets[int(t)].name,
                                           float(p), int(o), "-" if s else "+", e_value))
    return found


def information_content(pwm: np.ndarray) -> np.ndarray:
    """Information content in bits of each column of a (4, w) probability matrix.

    Examples
    --------
    >>> information_content(np.array([[1.0, 0.25], [0, 0.25], [0, 0.25], [0, 0.25]])).round(3)
    array([2., 0.])
    """
    p = np.clip(np.asarray(pwm, dtype=np.float64), 1e-12, 1)
    return 2 + (p * np.log2(p)).sum(axis=0)


def top_windows(scores: np.ndarray, width: int, k: int) -> list[int]:
    """Starts of up to ``k`` non-overlapping ``width``-long windows with the
    largest sums of ``scores``, largest first (greedy).

    Examples
    --------
    >>> top_windows(np.array([0, 0, 0, 0, 1, 3, 1, 0, 2, 2]), 3, 2)
    [4, 7]
    """
    width = min(width, len(scores))
    sums = np.convolve(scores, np.ones(width), mode="valid")
    starts: list[int] = []
    for start in np.argsort(-sums, kind="stable"):
        if all(abs(int(start) - other) >= width for other in starts):
            starts.append(int(start))
            if len(starts) == k:
                break
    return starts


def write_meme(motifs: Mapping[str, np.ndarray], path: str | os.PathLike) -> None:
    """Write motifs (name -> (4, width) base probabilities, rows A, C, G, T)
    as a MEME file (``memelite``'s writer), for MEME-suite tools, TOMTOM or
    FIMO. Columns are normalised to sum to 1. The name's first word is the
    MEME identifier (no spaces), the rest its alternate name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from memelite.io import read_meme
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.meme"
    >>> write_meme({"m1 CTCF-like": np.full((4, 3), 0.25)}, path)
    >>> list(read_meme(str(path)))
    ['m1 CTCF-like']
    """
    from memelite.io import write_meme as memelite_write_meme

    from ._atomic import atomic_path

    normalised = {}
    for name, pwm in motifs.items():
        pwm = np.asarray(pwm, dtype=np.float64)
        if pwm.ndim != 2 or pwm.shape[0] != 4 or pwm.shape[1] == 0:
            raise ValueError(f"motif {name!r} must have shape (4, width), got {pwm.shape}.")
        if not np.isfinite(pwm).all() or (pwm < 0).any():
            raise ValueError(f"motif {name!r} has negative or non-finite entries.")
        normalised[name] = pwm / np.where(pwm.sum(axis=0) > 0, pwm.sum(axis=0), 1)
    with atomic_path(path) as tmp:
        memelite_write_meme(str(tmp), normalised)


@torch_threads_kept()
def scan_motifs(
    motifs: Mapping[str, np.ndarray],
    sequences: object,
    *,
    threshold: float = 1e-4,
    names: Sequence[str] | None = None,
):
    """Motif hits with p-values (FIMO, through ``memelite``), on both strands.

    Parameters
    ----------
    motifs : mapping of name -> (4, width) base probabilities
        E.g. :func:`fetch_jaspar_motifs`' matrices, class-optimised windows
        or discovered patterns.
    sequences : DNA strings or one-hot (n, 4, L)
    threshold : float, default=1e-4
        Largest p-value reported.
    names : sequence of str, optional
        Sequence names for the output (default: their index).

    Returns
    -------
    hits : pandas.DataFrame
        One row per hit: ``motif``, ``sequence``, ``start``, ``end`` (0-based,
        end excluded), ``strand``, ``score`` (log-odds) and ``p_value``,
        sorted by p-value.

    Examples
    --------
    >>> ctcf = fetch_jaspar_motifs(["MA0139"])["MA0139"].pwm
    >>> site = "".join("ACGT"[i] for i in ctcf.argmax(axis=0))
    >>> hits = scan_motifs({"CTCF": ctcf}, ["A" * 30 + site + "A" * 30, "A" * 80])
    >>> hits[["motif", "sequence", "start", "end", "strand"]].values.tolist()
    [['CTCF', '0', 30, 45, '+']]
    """
    import pandas as pd
    from memelite import fimo

    from .encoding import check_dna

    X = check_dna(sequences, padding="right")
    labels = [str(i) for i in range(len(X))] if names is None else list(map(str, names))
    if len(labels) != len(X):
        raise ValueError(f"{len(labels)} names for {len(X)} sequences.")
    checked = {}
    for name, pwm in motifs.items():
        pwm = np.asarray(pwm, dtype=np.float64)
        if pwm.ndim != 2 or pwm.shape[0] != 4:
            raise ValueError(f"motif {name!r} must have shape (4, width), got {pwm.shape}.")
        checked[name] = pwm
    frames = fimo(checked, X.astype(np.float32), threshold=threshold)
    columns = ["motif", "sequence", "start", "end", "strand", "score", "p_value"]
    rows = [frame.rename(columns={"motif_name": "motif", "sequence_name": "sequence",
                                  "p-value": "p_value"})
            for frame in frames if len(frame)]
    if not rows:
        return pd.DataFrame(columns=columns)
    hits = pd.concat(rows, ignore_index=True)
    hits["sequence"] = [labels[int(i)] for i in hits["sequence"]]
    hits["motif"] = [str(name) for name in hits["motif"]]
    return hits[columns].sort_values("p_value", kind="stable").reset_index(drop=True)
