"""The sequences a user brings to the app, checked: pasted text
(:func:`parse_sequence_text`), an uploaded FASTA file
(:func:`parse_fasta_upload`), a listed test set (:func:`load_sequences`),
one base changed (:func:`substitute`) and a typed variant of any kind
(:func:`parse_allele`, :func:`apply_allele`). Errors name the source, the
record and the character."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from ..encoding import IUPAC_CODES, check_sequences
from ..io import parse_fasta, read_deepbind, read_fasta, read_labelled_tsv, sniff_format
from ..variant_windows import shared_prefix

#: Longest sequence the app explains: a 10 kb map is already wider than a
#: screen reads, and ISM over it is 30,000 forward passes per model.
MAX_LENGTH = 10_000

#: Largest FASTA upload, in bytes.
MAX_UPLOAD_BYTES = 5_000_000


def parse_sequence_text(text: str, *, source: str = "the Sequence box") -> tuple[str, str]:
    """``(name, sequence)`` from pasted text: a bare sequence (line breaks
    and spaces are ignored) or one FASTA record. Raises ``ValueError`` with a
    one-line message naming the problem (empty text, several records, the
    first character that is not DNA and its position).

    Examples
    --------
    >>> parse_sequence_text(">enh1 my enhancer\\nacgt\\nAC")
    ('enh1', 'ACGTAC')
    >>> parse_sequence_text("ACGX")
    Traceback (most recent call last):
    ...
    ValueError: the Sequence box: invalid character 'X' at position 4 (1-based); ...
    """
    text = text.strip()
    if not text:
        raise ValueError(f"{source} is empty: paste a DNA sequence or one FASTA record.")
    if text.startswith(">"):
        records = list(parse_fasta(text.splitlines(), source=source))
        if len(records) > 1:
            raise ValueError(f"{source} holds {len(records)} FASTA records; paste one, or "
                             "upload a FASTA file to list several.")
        name, sequence = records[0]
    else:
        name, sequence = "pasted sequence", "".join(text.split())
    return name or "pasted sequence", check_sequence(sequence, source=source)


def check_sequence(sequence: str, *, source: str) -> str:
    """The sequence upper-cased, after checking its letters and length;
    errors name ``source``, the character and its 1-based position.

    Examples
    --------
    >>> check_sequence("acgn", source="record 'a'")
    'ACGN'
    """
    if len(sequence) > MAX_LENGTH:
        raise ValueError(f"{source}: {len(sequence):,} bases; the app explains sequences of "
                         f"at most {MAX_LENGTH:,} bases.")
    try:
        check_sequences([sequence])
    except ValueError:
        bad = next(i for i, c in enumerate(sequence) if c.upper() not in IUPAC_CODES)
        raise ValueError(f"{source}: invalid character {sequence[bad]!r} at position {bad + 1} "
                         "(1-based); allowed are A, C, G, T and the IUPAC codes.") from None
    return sequence.upper().replace("U", "T")


def parse_fasta_upload(content: bytes, filename: str) -> list[tuple[str, str]]:
    """``(name, sequence)`` of every record of an uploaded FASTA file, each
    checked; errors name the file, the record and the character.

    Examples
    --------
    >>> parse_fasta_upload(b">a\\nACGT\\n>b\\nGGCC\\n", "two.fa")
    [('a', 'ACGT'), ('b', 'GGCC')]
    """
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValueError(f"{filename} is {len(content):,} bytes; uploads are limited to "
                         f"{MAX_UPLOAD_BYTES:,} bytes (score larger files with "
                         "`sklearn-demo predict`).")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{filename} is not a text FASTA file (it is not UTF-8).") from None
    records = list(parse_fasta(text.splitlines(), source=f"upload {filename}"))
    if not records:
        raise ValueError(f"{filename} holds no FASTA records.")
    return [(name, check_sequence(seq, source=f"{filename}, record {i} ({name!r})"))
            for i, (name, seq) in enumerate(records, start=1)]


@dataclass
class LoadedSequences:
    """Sequences to list in the app, with their labels when known."""

    names: np.ndarray
    sequences: np.ndarray
    labels: np.ndarray | None = None


def load_sequences(path: str | os.PathLike) -> LoadedSequences:
    """Sequences for the app's table from a FASTA file (no labels), a DeepBind
    ``.seq(.gz)`` file or a ``sequence<TAB>label`` TSV (with labels).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.tsv"
    >>> _ = path.write_text("ACGT\\t1\\nGGCC\\t0\\n")
    >>> load_sequences(path).labels
    array([1, 0])
    """
    kind = sniff_format(path)
    if kind == "fasta":
        records = read_fasta(path)
        return LoadedSequences(records.names, records.sequences)
    records = read_deepbind(path) if kind == "deepbind" else read_labelled_tsv(path)
    names = np.array([f"#{i + 1}" for i in range(len(records.sequences))])
    return LoadedSequences(names, records.sequences, records.labels)


def substitute(sequence: str, position: int, base: str) -> str:
    """``sequence`` with the base at 1-based ``position`` replaced by ``base``
    (A, C, G or T, any case); ``ValueError`` names a bad base or position.

    Examples
    --------
    >>> substitute("ACGT", 2, "g")
    'AGGT'
    """
    base = base.upper()
    if base not in ("A", "C", "G", "T"):
        raise ValueError(f"the alternative base must be A, C, G or T, got {base!r}.")
    if not 1 <= position <= len(sequence):
        raise ValueError(f"position {position} is outside the sequence (1 to "
                         f"{len(sequence)}).")
    return sequence[:position - 1] + base + sequence[position:]


_ALLELE = re.compile(r"^\s*(?P<pos>\d+)\s*(?P<ref>[A-Za-z]+)\s*>\s*(?P<alt>[A-Za-z]+)\s*$")


def parse_allele(text: str, sequence: str) -> tuple[int, str, str]:
    """``(position, REF, ALT)`` from a typed variant, ``145 G>GTT`` (an
    insertion after G at 145), ``145 GCA>G`` (a deletion of CA), ``12 A>T``,
    ``30 AC>GT``: VCF's convention, REF starting at the 1-based position and
    checked against ``sequence``. ``ValueError`` names what is wrong.

    Examples
    --------
    >>> parse_allele("3 GT>G", "ACGTA"), parse_allele("2c>cgg", "ACGTA")
    ((3, 'GT', 'G'), (2, 'C', 'CGG'))
    >>> parse_allele("3 A>G", "ACGTA")
    Traceback (most recent call last):
    ...
    ValueError: REF A at position 3 is not the sequence's G there.
    """
    m = _ALLELE.match(text)
    if m is None:
        raise ValueError(f"write a variant as position REF>ALT, e.g. 145 G>GTT or 145 GCA>G; "
                         f"got {text.strip()!r}.")
    position, ref, alt = int(m["pos"]), m["ref"].upper(), m["alt"].upper()
    for allele, name in ((ref, "REF"), (alt, "ALT")):
        bad = sorted(set(allele) - set("ACGT"))
        if bad:
            raise ValueError(f"{name} {allele} holds {bad[0]!r}: alleles are A, C, G and T.")
    if not 1 <= position <= len(sequence) - len(ref) + 1:
        raise ValueError(f"REF {ref} at position {position} does not fit in the sequence "
                         f"(1 to {len(sequence)}).")
    there = sequence[position - 1:position - 1 + len(ref)].upper()
    if there != ref:
        raise ValueError(f"REF {ref} at position {position} is not the sequence's {there} there.")
    return position, ref, alt


def apply_allele(sequence: str, position: int, ref: str, alt: str) -> str:
    """``sequence`` with REF at 1-based ``position`` replaced by ALT: longer
    or shorter for an indel (the open sequence is the window).

    Examples
    --------
    >>> apply_allele("ACGTA", 3, "GT", "G"), apply_allele("ACGTA", 2, "C", "CGG")
    ('ACGA', 'ACGGGTA')
    """
    return sequence[:position - 1] + alt + sequence[position - 1 + len(ref):]


def aligned_alleles(ref: str, alt: str) -> tuple[str, str]:
    """REF and ALT padded with gaps (``-``) to one length, after the bases
    they share at their start (VCF's anchor base).

    Examples
    --------
    >>> aligned_alleles("G", "GTT"), aligned_alleles("GCA", "G"), aligned_alleles("AC", "GT")
    (('G--', 'GTT'), ('GCA', 'G--'), ('AC', 'GT'))
    """
    width = max(len(ref), len(alt))
    shared = shared_prefix(ref, alt)

    def padded(allele: str) -> str:
        return allele[:shared] + "-" * (width - len(allele)) + allele[shared:]

    return padded(ref), padded(alt)
