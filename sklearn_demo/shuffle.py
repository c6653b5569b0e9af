"""Dinucleotide-preserving shuffles, the negatives of DeepBind and DeMo.

The shuffle itself is the ``dinuc-shuf`` package's (a compiled Eulerian-walk
shuffle, Altschul & Erickson 1985, on one-hot arrays); this module turns
strings of any letters into the one-hot form it takes and back, and makes
the result reproducible from a seed.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from dinuc_shuf import shuffle as _dinuc_shuffle
from sklearn.utils import check_random_state

from .encoding import _as_str_list


def dinucleotide_shuffle(
    sequences: Sequence[str],
    *,
    n_shuffles: int = 1,
    random_state: int | np.random.RandomState | None = None,
) -> np.ndarray:
    """Shuffle each sequence while keeping its dinucleotide counts exactly.

    Every letter is treated as a symbol of its own (``N`` and IUPAC codes
    included; case is folded to upper), so the counts of every ordered pair
    of adjacent letters are preserved, and so are the first and last letter.

    Parameters
    ----------
    sequences : sequence of str
        Sequences of any lengths.
    n_shuffles : int, default=1
        Shuffles made per sequence.
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible shuffles.

    Returns
    -------
    shuffled : ndarray of str, shape (n_sequences * n_shuffles,)
        Shuffle ``k`` of sequence ``i`` is at index ``k * n_sequences + i``.

    Examples
    --------
    >>> dinucleotide_shuffle(["AACCGGTTACGT"], n_shuffles=2, random_state=0).tolist()
    ['AACGTACCGGTT', 'AACCGGTTACGT']
    """
    if not isinstance(n_shuffles, (int, np.integer)) or n_shuffles < 1:
        raise ValueError(f"n_shuffles must be a positive integer, got {n_shuffles!r}.")
    seqs = [s.upper() for s in _as_str_list(sequences)]
    if not seqs:
        raise ValueError("Cannot shuffle an empty collection of sequences.")
    rng = np.random.default_rng(check_random_state(random_state).randint(2**32))
    out = np.empty(len(seqs) * n_shuffles, dtype=object)
    lengths = np.array([len(s) for s in seqs])
    for length in np.unique(lengths):
        index = np.flatnonzero(lengths == length)
        codes = np.frombuffer("".join(seqs[i] for i in index).encode("ascii", "replace"),
                              dtype=np.uint8).reshape(len(index), length)
        alphabet, symbols = np.unique(codes, return_inverse=True)
        one_hot = np.eye(len(alphabet), dtype=np.uint8)[symbols.reshape(codes.shape)]
        for k in range(n_shuffles):
            shuffled = alphabet[_dinuc_shuffle(one_hot, rng=rng, verify=False).argmax(-1)]
            for row, i in zip(shuffled, index):
                out[k * len(seqs) + i] = row.tobytes().decode("ascii")
    return out.astype(str)
