"""Readers for sequence files: DeepBind ``.seq``, FASTA and plain text.

All readers open ``.gz`` files transparently and turn a truncated or corrupt
file into a ``ValueError`` that names the file, never a bare ``EOFError``.
"""
from __future__ import annotations

import gzip
import io
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import NamedTuple

import numpy as np
from Bio.SeqIO.FastaIO import SimpleFastaParser

from .shuffle import dinucleotide_shuffle

DEEPBIND_HEADER = ("FoldID", "EventID", "seq", "Bound")


class DeepBindRecords(NamedTuple):
    """Columns of a DeepBind ``.seq`` file."""

    sequences: np.ndarray
    """ndarray of str, shape (n,)"""
    labels: np.ndarray
    """ndarray of int, shape (n,): the ``Bound`` column."""
    fold_ids: np.ndarray
    """ndarray of str, shape (n,)"""
    event_ids: np.ndarray
    """ndarray of str, shape (n,)"""


class LabelledSequences(NamedTuple):
    """Sequences with one label each, from a two-column TSV file."""

    sequences: np.ndarray
    labels: np.ndarray
    """ndarray of int when every label is an integer, else of str."""


class FastaRecords(NamedTuple):
    """Names and sequences of a FASTA file."""

    names: np.ndarray
    sequences: np.ndarray


@contextmanager
def open_text(path: str | os.PathLike) -> Iterator[io.TextIOBase]:
    """Open a plain or gzip-compressed text file for reading; ``"-"`` is
    standard input (plain text).

    Errors from a missing, truncated or corrupt file become ``ValueError``
    or ``FileNotFoundError`` messages that name the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = path.write_text("ACGT\\n")
    >>> with open_text(path) as handle:
    ...     handle.read()
    'ACGT\\n'
    """
    if str(path) == "-":  # standard input, plain text
        yield sys.stdin
        return
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such sequence file: {path}")
    with open(path, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    handle = (gzip.open(path, "rt", encoding="utf-8-sig") if compressed
              else open(path, encoding="utf-8-sig"))
    try:
        with handle:
            yield handle
    except (EOFError, gzip.BadGzipFile, OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"Cannot read {path}: the file is truncated or corrupt ({exc}).") from exc


def sniff_format(path: str | os.PathLike) -> str:
    """``"fasta"``, ``"deepbind"`` or ``"tsv"``, from a file's first line.

    FASTA starts with ``>``, a DeepBind file with its header; anything else
    is taken for ``sequence<TAB>label`` lines.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.fa"
    >>> _ = path.write_text(">a\\nACGT\\n")
    >>> sniff_format(path)
    'fasta'
    """
    with open_text(path) as handle:
        first_line = handle.readline().rstrip("\r\n")
    if first_line.startswith(">"):
        return "fasta"
    if tuple(first_line.split("\t")) == DEEPBIND_HEADER:
        return "deepbind"
    return "tsv"


def read_deepbind(path: str | os.PathLike) -> DeepBindRecords:
    """Read a DeepBind ``.seq`` or ``.seq.gz`` file.

    The file is tab-separated with the header ``FoldID EventID seq Bound``.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    records : DeepBindRecords
        ``sequences``, ``labels`` (int 0/1), ``fold_ids``, ``event_ids``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.seq"
    >>> _ = path.write_text("FoldID\\tEventID\\tseq\\tBound\\nA\\tp1\\tACGT\\t1\\n")
    >>> read_deepbind(path).sequences
    array(['ACGT'], dtype='<U4')
    """
    rows = []
    with open_text(path) as handle:
        header = tuple(handle.readline().rstrip("\r\n").split("\t"))
        if header != DEEPBIND_HEADER:
            raise ValueError(
                f"{path} is not in DeepBind format: its header is {header!r}, "
                f"expected {DEEPBIND_HEADER!r} (tab-separated)."
            )
        for line_number, line in enumerate(handle, start=2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = line.split("\t")
            if len(fields) != 4 or fields[3] not in ("0", "1"):
                raise ValueError(
                    f"{path}, line {line_number}: expected 4 tab-separated fields "
                    f"ending in Bound 0 or 1, got {line[:80]!r}."
                )
            rows.append(fields)
    if not rows:
        raise ValueError(f"{path} holds no sequences.")
    fold_ids, event_ids, seqs, bound = zip(*rows)
    return DeepBindRecords(
        sequences=np.array(seqs),
        labels=np.array(bound, dtype=np.int64),
        fold_ids=np.array(fold_ids),
        event_ids=np.array(event_ids),
    )


def iter_fasta(path: str | os.PathLike) -> Iterator[tuple[str, str]]:
    """``(name, sequence)`` of every record of a FASTA file (plain or gzip),
    one at a time, with Biopython's parser. Every FASTA reader of the
    package goes through here, so every command has one policy: a file that
    does not start with ``>`` (after a UTF-8 byte-order mark, if any) and a
    record with an empty sequence are errors that name the file (and the
    record).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.fa"
    >>> _ = path.write_text(">a\\nACGT\\nAC\\n>b\\nGG\\n")
    >>> list(iter_fasta(path))
    [('a', 'ACGTAC'), ('b', 'GG')]
    """
    with open_text(path) as handle:
        yield from parse_fasta(handle, source=str(path))


def parse_fasta(lines: Iterable[str], *, source: str) -> Iterator[tuple[str, str]]:
    """``(name, sequence)`` of every FASTA record in ``lines`` (an open file,
    or text split into lines, such as an upload), with :func:`iter_fasta`'s
    policy; errors name ``source``.

    Examples
    --------
    >>> list(parse_fasta([">a desc", "AC", "GT"], source="pasted text"))
    [('a', 'ACGT')]
    """
    lines = iter(lines)
    first = next(lines, "")
    if not first:
        return
    if not first.startswith(">"):
        raise ValueError(f"{source} is not FASTA: it does not start with '>'.")
    # Biopython's parser reads any iterable of lines, so a stream is fine.
    for number, (title, sequence) in enumerate(
            SimpleFastaParser(chain([first], lines)), start=1):
        name = title.split(None, 1)[0] if title.strip() else ""
        if not sequence:
            raise ValueError(f"{source}, record {number} ({name!r}) has an empty sequence.")
        yield name, sequence


def count_fasta_records(path: str | os.PathLike) -> int:
    """Number of records (``>`` lines) in a plain or gzip FASTA file, streaming.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.fa"
    >>> _ = path.write_text(">a\\nAC\\n>b\\nGT\\n")
    >>> count_fasta_records(path)
    2
    """
    with open_text(path) as handle:
        return sum(1 for line in handle if line.startswith(">"))


def read_fasta(path: str | os.PathLike) -> FastaRecords:
    """Read a FASTA file (plain or gzip) with Biopython's parser.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    records : FastaRecords
        ``names`` (record ids) and ``sequences``, both ndarrays of str.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.fa"
    >>> _ = path.write_text(">a\\nACGT\\nAC\\n>b\\nGG\\n")
    >>> read_fasta(path).sequences
    array(['ACGTAC', 'GG'], dtype='<U6')
    """
    records = list(iter_fasta(path))
    if not records:
        raise ValueError(f"{path} holds no FASTA records.")
    names, seqs = zip(*records)
    return FastaRecords(names=np.array(names), sequences=np.array(seqs))


def read_sequences(path: str | os.PathLike) -> np.ndarray:
    """Read a plain text file with one sequence per line (blank lines skipped).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    sequences : ndarray of str

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.txt"
    >>> _ = path.write_text("ACGT\\n\\nGGCC\\n")
    >>> read_sequences(path)
    array(['ACGT', 'GGCC'], dtype='<U4')
    """
    with open_text(path) as handle:
        seqs = [line.strip() for line in handle if line.strip()]
    if not seqs:
        raise ValueError(f"{path} holds no sequences.")
    return np.array(seqs)


def read_labelled_tsv(path: str | os.PathLike) -> LabelledSequences:
    """Read a tab-separated file of ``sequence<TAB>label`` lines.

    A first line whose first field is ``seq`` or ``sequence`` (any case) is
    a header and skipped; blank lines are skipped. Labels that are all
    integers are returned as ints, others as strings.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    records : LabelledSequences

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.tsv"
    >>> _ = path.write_text("sequence\\tlabel\\nACGT\\t1\\nGGCC\\t0\\n")
    >>> read_labelled_tsv(path).labels
    array([1, 0])
    """
    rows = []
    with open_text(path) as handle:
        for line_number, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = line.split("\t")
            if line_number == 1 and fields[0].strip().lower() in ("seq", "sequence"):
                continue
            if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
                raise ValueError(
                    f"{path}, line {line_number}: expected two tab-separated fields "
                    f"(sequence, label), got {line[:80]!r}."
                )
            rows.append((fields[0].strip(), fields[1].strip()))
    if not rows:
        raise ValueError(f"{path} holds no sequences.")
    seqs, labels = zip(*rows)
    labels = np.array(labels)
    if all(re.fullmatch(r"[+-]?\d+", label) for label in labels):
        labels = labels.astype(np.int64)
    return LabelledSequences(sequences=np.array(seqs), labels=labels)


class TrainingData(NamedTuple):
    """Labelled sequences from data files, with the test set when they hold one."""

    name: str
    """The file names, joined by " + "."""
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray | None
    """None unless the files are a DeepBind training/test pair."""
    y_test: np.ndarray | None


def load_training_data(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    shuffled_negatives: bool = True,
    random_state: int | np.random.RandomState | None = 0,
) -> TrainingData:
    """Sequences and labels from one or two data files, each format read from
    the file itself (:func:`sniff_format`). The one loader of the dashboard,
    the command line and :func:`~sklearn_demo.fetch_deepbind_encode`.

    * one file: FASTA (positives), DeepBind ``.seq(.gz)`` or
      ``sequence<TAB>label`` TSV (:func:`read_labelled_tsv`);
    * two DeepBind files: a training set and a test set;
    * two FASTA files: positives and negatives.

    A set holding only positives (a FASTA file, or a DeepBind file of bound
    sequences) gets one dinucleotide shuffle of each positive as its
    negatives (label 0), as DeepBind and DeMo did, unless
    ``shuffled_negatives=False``; a training set must then hold two classes.

    Parameters
    ----------
    paths : path or sequence of one or two paths
    shuffled_negatives : bool, default=True
    random_state : int, RandomState instance or None, default=0
        Seed of the shuffles (the test file of a pair uses the next seed).

    Returns
    -------
    TrainingData

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pos.fa"
    >>> _ = path.write_text(">a\\nACGTTGCA\\n")
    >>> data = load_training_data(path)
    >>> data.y_train.tolist(), data.X_test is None
    ([1, 0], True)
    """
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not 1 <= len(paths) <= 2:
        raise ValueError(f"load_training_data takes one or two files, got {len(paths)}.")
    formats = [sniff_format(path) for path in paths]
    name = " + ".join(os.path.basename(str(path)) for path in paths)
    seed = random_state if isinstance(random_state, int) else None
    X_test = y_test = None
    if formats == ["deepbind", "deepbind"]:
        X, y = _labelled(paths[0], formats[0], None, shuffled_negatives, random_state)
        X_test, y_test = _labelled(paths[1], formats[1], None, shuffled_negatives,
                                   random_state if seed is None else seed + 1)
    elif len(paths) == 2 and formats != ["fasta", "fasta"]:
        raise ValueError(
            f"two data files must be a DeepBind training/test pair or FASTA positives and "
            f"negatives; got {formats[0]} ({paths[0]}) and {formats[1]} ({paths[1]}).")
    else:
        X, y = _labelled(paths[0], formats[0], paths[1] if len(paths) == 2 else None,
                         shuffled_negatives, random_state)
    if shuffled_negatives and len(np.unique(y)) != 2:
        raise ValueError(f"{name} must hold two classes; found {np.unique(y).tolist()}.")
    return TrainingData(name, X, y, X_test, y_test)


def _labelled(path, file_format: str, negatives, shuffled_negatives: bool,
              random_state) -> tuple[np.ndarray, np.ndarray]:
    """One file's sequences and labels (``file_format``, sniffed once by the
    caller), with negatives from ``negatives`` or from shuffles when it
    holds positives only."""
    if file_format == "fasta":
        X = read_fasta(path).sequences
        y = np.ones(len(X), dtype=int)
    else:
        records = read_deepbind(path) if file_format == "deepbind" else read_labelled_tsv(path)
        X, y = records.sequences, records.labels
    positives_only = bool((y == 1).all())
    if negatives is not None:
        if not positives_only:
            raise ValueError(f"{path} already holds labelled negatives; do not pass a "
                             f"negatives file ({negatives}) as well.")
        negative_seqs = read_fasta(negatives).sequences
    elif positives_only and shuffled_negatives:
        negative_seqs = dinucleotide_shuffle(X, random_state=random_state)
    else:
        return X, y
    return (np.concatenate([X, negative_seqs]),
            np.concatenate([np.ones(len(X), dtype=int), np.zeros(len(negative_seqs), dtype=int)]))
