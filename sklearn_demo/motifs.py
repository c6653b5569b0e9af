"""Known motifs: JASPAR matrices read offline through ``pyjaspar``."""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np


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
