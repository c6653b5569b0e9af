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

from .encoding import as_str_list

#: What ``random_state`` may be: a seed, a NumPy generator of either API, or None.
SeedLike = int | np.random.RandomState | np.random.Generator | None


def dinucleotide_shuffle(
    sequences: Sequence[str],
    *,
    n_shuffles: int = 1,
    random_state: SeedLike = None,
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
    random_state : int, RandomState or Generator instance, or None, default=None
        Seed for reproducible shuffles.

    Returns
    -------
    shuffled : ndarray of str, shape (n_sequences * n_shuffles,)
        Shuffle ``k`` of sequence ``i`` is at index ``k * n_sequences + i``.

    Examples
    --------
    >>> dinucleotide_shuffle(["AACCGGTTACGT"], n_shuffles=2, random_state=0).tolist()
    ['ACGTAACCGGTT', 'ACGTTAACCGGT']
    """
    if not isinstance(n_shuffles, (int, np.integer)) or n_shuffles < 1:
        raise ValueError(f"n_shuffles must be a positive integer, got {n_shuffles!r}.")
    seqs = [s.upper() for s in as_str_list(sequences)]
    if not seqs:
        raise ValueError("Cannot shuffle an empty collection of sequences.")
    rng = _generator(random_state)
    out = np.empty(len(seqs) * n_shuffles, dtype=object)
    lengths = np.array([len(s) for s in seqs])
    for length in np.unique(lengths):
        index = np.flatnonzero(lengths == length)
        codes = np.frombuffer("".join(seqs[i] for i in index).encode("ascii", "replace"),
                              dtype=np.uint8).reshape(len(index), length)
        alphabet, symbols = np.unique(codes, return_inverse=True)
        shuffled = alphabet[_shuffle_symbols(symbols.reshape(codes.shape), len(alphabet),
                                             n_shuffles, rng)]  # (n_shuffles, len(index), L)
        for k in range(n_shuffles):
            for row, i in zip(shuffled[k], index):
                out[k * len(seqs) + i] = row.tobytes().decode("ascii")
    return out.astype(str)


def dinucleotide_shuffle_one_hot(
    X: np.ndarray,
    *,
    n_shuffles: int = 1,
    random_state: SeedLike = None,
) -> np.ndarray:
    """:func:`dinucleotide_shuffle` for encoded sequences, with no round trip
    through strings.

    Every distinct column of ``X`` is a symbol of its own (a base, ``N``, an
    IUPAC code's fractional column, an all-zero padding column), and the
    columns are shuffled along each sequence keeping the counts of every
    ordered pair of adjacent columns.

    Parameters
    ----------
    X : array-like of shape (n_sequences, channels, length)
    n_shuffles : int, default=1
    random_state : int, RandomState or Generator instance, or None, default=None

    Returns
    -------
    shuffled : ndarray of shape (n_sequences * n_shuffles, channels, length)
        Shuffle ``k`` of sequence ``i`` is at index ``k * n_sequences + i``;
        the dtype of ``X``.

    Examples
    --------
    >>> from sklearn_demo import one_hot_decode, one_hot_encode
    >>> X = one_hot_encode(["AACCGGTTACGT"])
    >>> one_hot_decode(dinucleotide_shuffle_one_hot(X, n_shuffles=2, random_state=0))
    ['AACCGTACGGTT', 'AACCGGTACGTT']
    """
    X = np.asarray(X)
    if X.ndim != 3 or X.shape[0] == 0:
        raise ValueError("X must be a non-empty array of encoded sequences, shape "
                         f"(n_sequences, channels, length); got shape {X.shape}.")
    if not isinstance(n_shuffles, (int, np.integer)) or n_shuffles < 1:
        raise ValueError(f"n_shuffles must be a positive integer, got {n_shuffles!r}.")
    n, channels, length = X.shape
    columns = np.ascontiguousarray(X.transpose(0, 2, 1)).reshape(-1, channels)
    # Distinct columns by their bytes (one void scalar per column): exact, and
    # several times faster than np.unique(axis=0)'s lexicographic sort.
    keys = columns.view(np.dtype((np.void, columns.dtype.itemsize * channels))).ravel()
    alphabet, symbols = np.unique(keys, return_inverse=True)
    alphabet = alphabet.view(columns.dtype).reshape(-1, channels)
    shuffled = _shuffle_symbols(symbols.reshape(n, length), len(alphabet), n_shuffles,
                                _generator(random_state))
    return alphabet[shuffled.reshape(-1, length)].transpose(0, 2, 1)


def _generator(random_state: SeedLike) -> np.random.Generator:
    """The Generator the shuffles draw from: an int seeds one directly, a
    Generator is used (and advanced) as it is, and a RandomState or None
    seeds one from a draw."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, (int, np.integer)):
        return np.random.default_rng(int(random_state))
    return np.random.default_rng(check_random_state(random_state).randint(2**32))


def _shuffle_symbols(symbols: np.ndarray, n_symbols: int, n_shuffles: int,
                     rng: np.random.Generator) -> np.ndarray:
    """``n_shuffles`` dinucleotide shuffles of each row of the (n, L) symbol
    codes 0..n_symbols-1; shape (n_shuffles, n, L)."""
    one_hot = np.eye(n_symbols, dtype=np.uint8)[np.tile(symbols, (n_shuffles, 1))]
    shuffled = _dinuc_shuffle(one_hot, rng=rng, verify=False)  # one compiled call for all
    return shuffled.argmax(-1).reshape(n_shuffles, *symbols.shape)
