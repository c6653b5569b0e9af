"""The reference genome, read through an indexed FASTA reader (``pyfaidx``,
which writes a ``.fai`` index beside the FASTA on first use), so only the
bases asked for are read."""
from __future__ import annotations

import os


def open_genome(genome: object):
    """A ``pyfaidx.Fasta`` for a FASTA path (indexed on first use), or
    ``genome`` itself if it already is one."""
    import pyfaidx

    if isinstance(genome, pyfaidx.Fasta):
        return genome
    path = os.fspath(genome)
    if not os.path.exists(path):
        raise FileNotFoundError(f"genome FASTA {path!r} does not exist.")
    try:
        return pyfaidx.Fasta(path, as_raw=True, sequence_always_upper=True,
                             rebuild=False, build_index=True)
    except Exception as exc:  # pyfaidx raises its own error classes
        raise ValueError(f"genome FASTA {path!r} could not be indexed: {exc}") from None


def fetch_bases(genome, chrom: str, start: int, end: int) -> str:
    """Bases [start, end) of ``chrom``, N past either end."""
    size = len(genome[chrom])
    left, right = max(0, start), min(size, end)
    inside = genome[chrom][left:right] if right > left else ""
    return "N" * (left - start) + inside + "N" * (end - right)
