"""DNA one-hot encoding: plain functions and a scikit-learn transformer.

Every array in this package has the shape ``(n_sequences, 4, length)`` with the
channels in the order ``A, C, G, T``, the layout used by torch's ``Conv1d``.

Encoding rules
--------------
* Letters are case-insensitive.
* ``A``, ``C``, ``G``, ``T`` (and ``U``, read as ``T``) become unit vectors.
* IUPAC ambiguity codes become the uniform distribution over the bases they
  stand for: ``N`` is ``(0.25, 0.25, 0.25, 0.25)``, ``R`` (A or G) is
  ``(0.5, 0, 0.5, 0)``, ``B`` (not A) is ``(0, 1/3, 1/3, 1/3)``, and so on.
* Padding added to make lengths equal is the zero vector: "no base here",
  which is distinct from ``N``, "some base, unknown".
* Any other character raises ``ValueError`` naming the sequence index, the
  position and the character.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

ALPHABET = "ACGT"

#: Bases each IUPAC code stands for.
IUPAC_CODES: dict[str, str] = {
    "A": "A", "C": "C", "G": "G", "T": "T", "U": "T",
    "R": "AG", "Y": "CT", "S": "CG", "W": "AT", "K": "GT", "M": "AC",
    "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGT",
}

PADDING_MODES = ("error", "right", "center")


def _build_lookup() -> tuple[np.ndarray, np.ndarray]:
    """Byte -> 4-vector table, and a mask of the bytes that are valid."""
    table = np.zeros((256, 4), dtype=np.float32)
    valid = np.zeros(256, dtype=bool)
    for code, bases in IUPAC_CODES.items():
        vector = np.array([base in bases for base in ALPHABET], dtype=np.float32)
        vector /= vector.sum()
        for letter in (code, code.lower()):
            table[ord(letter)] = vector
            valid[ord(letter)] = True
    return table, valid


_LOOKUP, _VALID = _build_lookup()
# Decoding matches a column against these codes; U decodes to T.
_DECODE_CODES = [code for code in IUPAC_CODES if code != "U"]
_DECODE_VECTORS = np.stack([_LOOKUP[ord(code)] for code in _DECODE_CODES])


def is_sequence_collection(X: object) -> bool:
    """Whether ``X`` holds DNA strings (a list/tuple/array/Series of ``str``).

    Examples
    --------
    >>> is_sequence_collection(["ACGT", "GGCC"])
    True
    >>> is_sequence_collection(np.zeros((2, 4, 10)))
    False
    """
    if isinstance(X, str):
        return False
    if isinstance(X, np.ndarray):
        if X.dtype.kind in "US":
            return True
        return X.dtype == object and X.ndim == 1 and all(isinstance(s, str) for s in X)
    if hasattr(X, "dtype") and hasattr(X, "to_numpy") and getattr(X, "ndim", 2) == 1:
        return is_sequence_collection(X.to_numpy())
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and all(isinstance(s, str) for s in X)
    return False


def holds_text(X: object) -> bool:
    """Whether ``X`` is meant as sequences even if it is not a clean
    collection of ``str``: a bare string, bytes, a list, tuple or 1-d object
    array with any text in it, or an empty list or tuple. Such input goes to
    the DNA checks, whose errors name the problem, instead of to numeric
    conversion ("could not convert string to float").

    Examples
    --------
    >>> holds_text("ACGT"), holds_text([b"ACGT"]), holds_text(["ACGT", None]), holds_text([])
    (True, True, True, True)
    >>> holds_text(np.zeros((2, 4, 3)))
    False
    """
    if isinstance(X, (str, bytes)):
        return True
    if isinstance(X, (list, tuple)):
        return len(X) == 0 or any(isinstance(item, (str, bytes)) for item in X)
    if isinstance(X, np.ndarray):
        return X.dtype.kind in "US" or (X.dtype == object and X.ndim == 1 and any(
            isinstance(item, (str, bytes)) for item in X))
    return False


def as_str_list(sequences: Iterable[str]) -> list[str]:
    """The sequences as a list of ``str`` (bytes decoded as ASCII); a single
    string, a common slip for ``[sequence]``, and items that are not text
    raise ``TypeError`` naming the item.

    Examples
    --------
    >>> as_str_list(np.array(["ACGT", "GG"]))
    ['ACGT', 'GG']
    """
    if isinstance(sequences, str):
        raise TypeError(
            "Expected a collection of sequences, got a single string; "
            "wrap it in a list: [sequence]."
        )
    out = []
    for index, seq in enumerate(sequences):
        if isinstance(seq, bytes):
            seq = seq.decode("ascii", errors="replace")
        if not isinstance(seq, str):
            raise TypeError(
                f"Sequence {index} is a {type(seq).__name__}, expected str."
            )
        out.append(str(seq))
    return out


def _target_length(lengths: np.ndarray, length: int | None, padding: str) -> int:
    if padding not in PADDING_MODES:
        raise ValueError(
            f"padding must be one of {PADDING_MODES}, got {padding!r}."
        )
    if length is not None and (not isinstance(length, (int, np.integer)) or length < 1):
        raise ValueError(f"length must be a positive integer or None, got {length!r}.")
    target = int(lengths.max()) if length is None else int(length)
    too_long = np.flatnonzero(lengths > target)
    if too_long.size:
        i = int(too_long[0])
        raise ValueError(
            f"Sequence {i} has length {lengths[i]}, longer than the expected "
            f"length {target}."
        )
    if padding == "error":
        uneven = np.flatnonzero(lengths != target)
        if uneven.size:
            i = int(uneven[0])
            raise ValueError(
                f"Sequences have different lengths: sequence {i} has length "
                f"{lengths[i]}, expected {target}. Pass padding='right' or "
                "padding='center' to pad shorter sequences with zero columns."
            )
    return target


def _validated_codes(sequences: Iterable[str]) -> tuple[list[str], np.ndarray]:
    """The sequences as a list and their concatenated ASCII codes, after
    checking they are non-empty strings over the IUPAC alphabet."""
    seqs = as_str_list(sequences)
    n = len(seqs)
    if n == 0:
        raise ValueError("Cannot encode an empty collection of sequences.")
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=n)
    empty = np.flatnonzero(lengths == 0)
    if empty.size:
        raise ValueError(f"Sequence {int(empty[0])} is empty.")
    joined = "".join(seqs).encode("ascii", errors="replace")
    codes = np.frombuffer(joined, dtype=np.uint8)
    bad = np.flatnonzero(~_VALID[codes])
    if bad.size:
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        flat = int(bad[0])
        i = int(np.searchsorted(offsets, flat, side="right") - 1)
        pos = flat - int(offsets[i])
        raise ValueError(
            f"Sequence {i} has invalid character {seqs[i][pos]!r} at position "
            f"{pos}; allowed are A, C, G, T, U and the IUPAC codes "
            f"{''.join(sorted(set(IUPAC_CODES) - set('ACGTU')))} (any case)."
        )
    return seqs, codes


def check_sequences(sequences: Iterable[str]) -> list[str]:
    """Validate DNA strings without encoding them; returns them as a list.

    Raises ``ValueError`` naming the sequence, position and character of the
    first invalid character, or the first empty sequence.

    Examples
    --------
    >>> check_sequences(np.array(["ACGT", "nnRY"]))
    ['ACGT', 'nnRY']
    """
    return _validated_codes(sequences)[0]


def one_hot_encode(
    sequences: Iterable[str],
    *,
    length: int | None = None,
    padding: str = "error",
    dtype: np.dtype | type = np.float32,
) -> np.ndarray:
    """One-hot encode DNA strings into an array of shape (n, 4, length).

    Parameters
    ----------
    sequences : iterable of str
        DNA sequences over the IUPAC alphabet, any case.
    length : int, default=None
        Length of the output. ``None`` takes the longest sequence's length.
    padding : {"error", "right", "center"}, default="error"
        What to do with sequences shorter than ``length``: raise, append zero
        columns on the right, or split the zero columns evenly on both sides
        (the extra column, if odd, goes on the right).
    dtype : numpy dtype, default=np.float32
        Output dtype.

    Returns
    -------
    X : ndarray of shape (n_sequences, 4, length)
        Channels in the order A, C, G, T.

    Raises
    ------
    ValueError
        On an invalid character (naming sequence index, position and
        character), on an empty sequence, or on unequal lengths with
        ``padding="error"``.

    Examples
    --------
    >>> one_hot_encode(["ACGN"])[0]
    array([[1.  , 0.  , 0.  , 0.25],
           [0.  , 1.  , 0.  , 0.25],
           [0.  , 0.  , 1.  , 0.25],
           [0.  , 0.  , 0.  , 0.25]], dtype=float32)
    """
    seqs, codes = _validated_codes(sequences)
    n = len(seqs)
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=n)
    target = _target_length(lengths, length, padding)
    values = _LOOKUP[codes]  # (total_length, 4)
    out = np.zeros((n, target, 4), dtype=dtype)
    if np.all(lengths == target):
        out[:] = values.reshape(n, target, 4)
    else:
        starts = np.zeros(n, dtype=np.int64)
        if padding == "center":
            starts = (target - lengths) // 2
        row = np.repeat(np.arange(n), lengths)
        col = np.arange(codes.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        out[row, col + np.repeat(starts, lengths)] = values
    return np.ascontiguousarray(out.transpose(0, 2, 1))


def fit_to_width(sequences: Iterable[str], width: int) -> np.ndarray:
    """Bring every sequence to ``width`` bases around its centre: longer ones
    are centre-cropped, shorter ones padded with ``N`` on both sides (the
    extra base, if odd, on the right) -- the policy for mixed-length input
    such as ``bedtools getfasta`` output.

    Examples
    --------
    >>> fit_to_width(["AACCGGTT", "ACG"], 4).tolist()
    ['CCGG', 'ACGN']
    """
    if not isinstance(width, (int, np.integer)) or isinstance(width, bool) or width < 1:
        raise ValueError(f"width must be a positive integer, got {width!r}.")
    out = []
    for seq in sequences:
        extra = len(seq) - width
        if extra >= 0:
            out.append(seq[extra // 2:extra // 2 + width])
        else:
            left = -extra // 2
            out.append("N" * left + seq + "N" * (-extra - left))
    return np.array(out, dtype=f"<U{width}")


def one_hot_decode(X: np.ndarray) -> list[str]:
    """Decode an array of shape (n, 4, L) back to strings.

    Each column is matched to the nearest IUPAC code's vector, so the output
    of :func:`one_hot_encode` decodes exactly (``U`` comes back as ``T``,
    lowercase as uppercase). All-zero columns are padding and are dropped.
    A soft column (a PWM or an attribution) decodes to its nearest code.

    Parameters
    ----------
    X : array-like of shape (n, 4, L)

    Returns
    -------
    sequences : list of str

    Examples
    --------
    >>> one_hot_decode(one_hot_encode(["acgtn", "AC"], padding="right"))
    ['ACGTN', 'AC']
    """
    X = check_one_hot(X)
    columns = X.transpose(0, 2, 1)  # (n, L, 4)
    distances = ((columns[:, :, None, :] - _DECODE_VECTORS[None, None]) ** 2).sum(-1)
    letters = np.array(_DECODE_CODES)[distances.argmin(-1)]
    present = columns.sum(-1) > 0
    return ["".join(row[mask]) for row, mask in zip(letters, present)]


#: Complement of every IUPAC code (ambiguity codes to the code of the
#: complementary set), both cases.
_COMPLEMENT = str.maketrans("ACGTURYSWKMBDHVNacgturyswkmbdhvn",
                            "TGCAAYRSWMKVHDBNtgcaayrswmkvhdbn")


def reverse_complement(X: str | np.ndarray) -> str | np.ndarray:
    """Reverse complement of DNA in any of the package's three forms.

    * a string: letters complemented (IUPAC codes to the code of the
      complementary set, case kept; ``U`` becomes ``A``) and reversed;
    * integer base indices, shape (..., L), 0-3 for A, C, G, T: ``3 - x``
      reversed along the last axis;
    * one-hot (or probability) arrays, shape (..., 4, L): channels and
      positions reversed (A<->T, C<->G is the reversed channel order).

    Examples
    --------
    >>> reverse_complement("AACGn")
    'nCGTT'
    >>> reverse_complement(np.array([0, 0, 1, 2])).tolist()
    [1, 2, 3, 3]
    >>> one_hot_decode(reverse_complement(one_hot_encode(["AACG"])))
    ['CGTT']
    """
    if isinstance(X, str):
        return X.translate(_COMPLEMENT)[::-1]
    X = np.asarray(X)
    if np.issubdtype(X.dtype, np.integer):
        return 3 - X[..., ::-1]
    if X.ndim < 2 or X.shape[-2] != len(ALPHABET):
        raise ValueError(f"reverse_complement: one-hot DNA must have shape (..., 4, L), "
                         f"got {X.shape}.")
    return np.ascontiguousarray(X[..., ::-1, ::-1])


def check_one_hot(X: object, *, name: str = "X") -> np.ndarray:
    """Validate a numeric one-hot array and return it as float32.

    Parameters
    ----------
    X : array-like of shape (n, 4, L)
        Values must be finite and within [0, 1].
    name : str, default="X"
        Name used in error messages.

    Returns
    -------
    X : ndarray of float32, shape (n, 4, L)

    Examples
    --------
    >>> check_one_hot(np.eye(4)[None]).shape
    (1, 4, 4)
    """
    try:
        arr = np.asarray(X, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is neither DNA strings nor a numeric array: {exc}") from None
    if arr.ndim != 3 or arr.shape[1] != 4:
        raise ValueError(
            f"{name} must have shape (n_sequences, 4, length) with channels A, C, "
            f"G, T; got shape {arr.shape}."
        )
    if arr.shape[0] == 0 or arr.shape[2] == 0:
        raise ValueError(f"{name} is empty: shape {arr.shape}.")
    check_values(arr, name)
    return arr


def check_values(arr: np.ndarray, name: str) -> None:
    finite = np.isfinite(arr)
    if not finite.all():
        i, c, j = (int(v) for v in np.argwhere(~finite)[0])
        raise ValueError(
            f"{name} contains a non-finite value ({arr[i, c, j]}) in sequence {i}, "
            f"channel {c}, position {j}."
        )
    outside = (arr < 0) | (arr > 1)
    if outside.any():
        i, c, j = (int(v) for v in np.argwhere(outside)[0])
        raise ValueError(
            f"{name} must hold one-hot values within [0, 1]; sequence {i}, "
            f"channel {c}, position {j} is {arr[i, c, j]}."
        )


def check_dna(
    X: object, *, length: int | None = None, padding: str = "error"
) -> np.ndarray:
    """Strings or a one-hot array in, a validated float32 (n, 4, L) array out:
    the one DNA input check of the estimators, explainers, baselines and
    streaming functions, so every one of them names a bad sequence, character
    or value the same way.

    Parameters
    ----------
    X : sequence of str, ndarray of str, or array-like of shape (n, 4, L)
    length, padding :
        As in :func:`one_hot_encode`; for arrays, ``length`` must match.

    Returns
    -------
    X : ndarray of float32, shape (n, 4, L)

    Examples
    --------
    >>> check_dna(["ACGT"]).shape
    (1, 4, 4)
    """
    if is_sequence_collection(X):
        return one_hot_encode(np.asarray(X, dtype=str).ravel(), length=length, padding=padding)
    if isinstance(X, (list, tuple)) and len(X) == 0:
        raise ValueError("X is empty: no sequences given.")
    if holds_text(X):  # raises naming the string, or the item that is not one
        return one_hot_encode(as_str_list(X), length=length, padding=padding)
    arr = check_one_hot(X)
    if length is not None and arr.shape[2] != length:
        raise ValueError(f"X has length {arr.shape[2]}, expected {length}.")
    return arr


class DNAEncoder(TransformerMixin, BaseEstimator):
    """One-hot encode DNA strings as a scikit-learn transformer.

    Parameters
    ----------
    padding : {"error", "right", "center"}, default="error"
        How sequences shorter than the fitted length are padded (see
        :func:`one_hot_encode`). Sequences longer than it always raise.
    flatten : bool, default=False
        Return ``(n, 4 * L)`` instead of ``(n, 4, L)``, to feed estimators
        that take 2-D input (the 4 channels of position 0 first).

    Attributes
    ----------
    length_ : int
        Length of the encoded output, the longest training sequence.
    n_features_in_ : int
        Input channels, 4 (A, C, G, T), as for the classifiers.

    Examples
    --------
    >>> encoder = DNAEncoder().fit(["ACGT", "TTGA"])
    >>> encoder.transform(["GGCN"]).shape
    (1, 4, 4)
    >>> DNAEncoder(flatten=True).fit_transform(["ACGT"]).shape
    (1, 16)
    """

    def __init__(self, padding: str = "error", flatten: bool = False):
        self.padding = padding
        self.flatten = flatten

    def fit(self, X: Sequence[str] | np.ndarray, y: object = None) -> "DNAEncoder":
        """Learn the output length from ``X``; returns ``self``."""
        self.length_ = check_dna(X, padding=self.padding).shape[2]
        self.n_features_in_ = len(ALPHABET)
        return self

    def transform(self, X: Sequence[str] | np.ndarray) -> np.ndarray:
        """Encode ``X`` to shape ``(n, 4, length_)``, or ``(n, 4 * length_)`` if flattened."""
        check_is_fitted(self)
        encoded = check_dna(X, length=self.length_, padding=self.padding)
        return encoded.reshape(len(encoded), -1, order="F") if self.flatten else encoded

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """With ``flatten=True``, the names of the output columns in their
        order, ``A0, C0, G0, T0, A1, ...`` (base, then position); the 3-d
        output has no columns to name.

        Examples
        --------
        >>> DNAEncoder(flatten=True).fit(["ACG"]).get_feature_names_out()[:5].tolist()
        ['A0', 'C0', 'G0', 'T0', 'A1']
        """
        check_is_fitted(self)
        if not self.flatten:
            raise AttributeError("DNAEncoder(flatten=False) returns (n, 4, L) arrays, which "
                                 "have no column names; use flatten=True.")
        return np.array([f"{base}{position}" for position in range(self.length_)
                         for base in ALPHABET], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
