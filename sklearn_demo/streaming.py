"""Prediction over sequence files larger than memory, in batches."""
from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import islice

from Bio import SeqIO

from ._atomic import atomic_path
from .encoding import check_sequences
from .io import open_text


def iter_fasta_batches(
    path: str | os.PathLike, batch_size: int = 10_000
) -> Iterator[tuple[list[str], list[str]]]:
    """Read a FASTA file (plain or gzip) ``batch_size`` records at a time.

    Only one batch is held in memory.

    Parameters
    ----------
    path : str or path-like
    batch_size : int, default=10000

    Yields
    ------
    names, sequences : list of str, list of str

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.fa"
    >>> _ = path.write_text(">a\\nAC\\n>b\\nGT\\n>c\\nTT\\n")
    >>> [names for names, _ in iter_fasta_batches(path, batch_size=2)]
    [['a', 'b'], ['c']]
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
    with open_text(path) as handle:
        records = SeqIO.parse(handle, "fasta")
        while batch := list(islice(records, batch_size)):
            yield [r.id for r in batch], [str(r.seq) for r in batch]


def predict_fasta(
    estimator: object,
    fasta: str | os.PathLike,
    output: str | os.PathLike,
    *,
    batch_size: int = 10_000,
) -> int:
    """Write ``name<TAB>probability`` of the positive class for every record
    of ``fasta``, streaming: memory stays bounded by ``batch_size``.

    The output is written to a temporary file beside ``output`` and renamed
    when complete, so an error (say, an invalid character in record 1,234,567)
    leaves no partial file; the error names the record.

    Parameters
    ----------
    estimator : fitted classifier with ``predict_proba`` taking DNA strings
    fasta : str or path-like
    output : str or path-like
    batch_size : int, default=10000

    Returns
    -------
    n_written : int

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(60, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "in.fa").write_text(">s1\\n" + data.X[0] + "\\n")
    >>> predict_fasta(clf, folder / "in.fa", folder / "out.tsv")
    1
    """
    written = 0
    with atomic_path(output) as tmp, open(tmp, "w") as out:
        out.write("name\tprobability\n")
        for names, sequences in iter_fasta_batches(fasta, batch_size):
            try:
                proba = estimator.predict_proba(sequences)[:, 1]
            except ValueError:
                _raise_for_bad_record(fasta, names, sequences, first_record=written + 1)
                raise
            out.writelines(f"{name}\t{p:.6g}\n" for name, p in zip(names, proba))
            written += len(names)
    return written


def _raise_for_bad_record(fasta, names: list[str], sequences: list[str],
                          first_record: int) -> None:
    """After a batch failed, name the file, record number and record id of its
    first invalid sequence (the estimator's message counts within the batch).
    Returns if every sequence is valid, so the caller re-raises the original."""
    for offset, (name, sequence) in enumerate(zip(names, sequences)):
        try:
            check_sequences([sequence])
        except ValueError as exc:
            detail = str(exc).replace("Sequence 0 has", "it has").replace("Sequence 0 is", "it is")
            raise ValueError(f"{fasta}, record {first_record + offset} ({name!r}): "
                             f"{detail}") from None
