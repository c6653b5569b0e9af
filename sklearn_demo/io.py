"""Readers for sequence files: DeepBind ``.seq``, FASTA and plain text.

All readers open ``.gz`` files transparently and turn a truncated or corrupt
file into a ``ValueError`` that names the file, never a bare ``EOFError``.
"""
from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import numpy as np
from Bio import SeqIO

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
    """Open a plain or gzip-compressed text file for reading.

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
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such sequence file: {path}")
    with open(path, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    handle = gzip.open(path, "rt") if compressed else open(path, encoding="utf-8")
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
    with open_text(path) as handle:
        first = handle.read(1)
        if first and first != ">":
            raise ValueError(f"{path} is not FASTA: it does not start with '>'.")
        handle.seek(0)
        records = [(rec.id, str(rec.seq)) for rec in SeqIO.parse(handle, "fasta")]
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
    if all(label.lstrip("-").isdigit() for label in labels):
        labels = labels.astype(np.int64)
    return LabelledSequences(sequences=np.array(seqs), labels=labels)
