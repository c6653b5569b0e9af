"""Prediction and explanation over sequence files larger than memory, in batches."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from scipy.special import expit

from ._atomic import atomic_path
from ._progress import progress
from .encoding import check_dna, fit_to_width
from .io import count_fasta_records, iter_fasta_batches


def predict_fasta(
    estimator: object,
    fasta: str | os.PathLike,
    output: str | os.PathLike,
    *,
    batch_size: int = 10_000,
    width: int | None = None,
) -> int:
    """Write ``name<TAB>probability<TAB>log_odds`` of the positive class for
    every record of ``fasta``, streaming: memory stays bounded by
    ``batch_size``. With ``width``, every record is first centre-cropped or
    N-padded to ``width`` bases (:func:`~sklearn_demo.encoding.fit_to_width`).

    Probabilities keep 9 significant digits; the log-odds (for the networks,
    their raw logit) keep ranking the confident hits whose probabilities
    round to 1. The output is written to a temporary file beside ``output``
    and renamed when complete, so an error (say, an invalid character in
    record 1,234,567) leaves no partial file; the error names the record.
    ``fasta`` ``"-"`` reads standard input, ``output`` ``"-"`` writes
    standard output.

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
    >>> (folder / "out.tsv").read_text().splitlines()[0]
    'name\\tprobability\\tlog_odds'
    """
    if str(output) == "-":
        return _write_predictions(estimator, fasta, sys.stdout, batch_size, width)
    with atomic_path(output) as tmp, open(tmp, "w") as out:
        return _write_predictions(estimator, fasta, out, batch_size, width)


def _write_predictions(estimator, fasta, out, batch_size: int, width: int | None) -> int:
    written = 0
    out.write("name\tprobability\tlog_odds\n")
    for names, log_odds in _batch_results(
            fasta, batch_size,
            lambda seqs: _log_odds(estimator, seqs if width is None else fit_to_width(seqs, width))):
        out.writelines(f"{name}\t{expit(z):.9g}\t{z:.6f}\n" for name, z in zip(names, log_odds))
        written += len(names)
    if not written:
        raise ValueError(f"{fasta} holds no FASTA records.")
    return written


def _log_odds(estimator, sequences: list[str]) -> np.ndarray:
    """The networks' raw logits; for other classifiers the log-odds of their
    probability (a gkm-SVM's decision value is not one)."""
    if hasattr(estimator, "module_"):
        return estimator.decision_function(sequences)
    p = np.clip(estimator.predict_proba(sequences)[:, 1].astype(np.float64), 1e-15, 1 - 1e-15)
    return np.log(p) - np.log1p(-p)


def explain_fasta(
    explainer: object,
    fasta: str | os.PathLike,
    output: str | os.PathLike,
    *,
    batch_size: int = 1000,
) -> int:
    """Run a fitted explainer's ``transform`` over every record of ``fasta``,
    streaming, into a ``.npy`` array on disk.

    ``output`` gets an array of shape ``(n_records, ...)`` (float32; e.g.
    ``(n, 4, L)`` for :class:`SaliencyExplainer`, ``(n, 2, L)`` for
    :class:`TemporalScorer`) written batch by batch through a memory map, so
    memory stays bounded by ``batch_size`` whatever the file's size; the
    record names go to ``output`` + ``.names.txt``, one per line, in the same
    order. Both are written to temporary files and renamed when complete. All
    records must have one length (the array is rectangular).

    Parameters
    ----------
    explainer : fitted SaliencyExplainer, TemporalScorer or ClassOptimizer
    fasta : str or path-like
    output : str or path-like
        Path of the ``.npy`` file; open it with ``np.load(output, mmap_mode="r")``.
    batch_size : int, default=1000

    Returns
    -------
    n_written : int

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn_demo import CNNClassifier, SaliencyExplainer, make_motif_dataset
    >>> data = make_motif_dataset(60, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> explainer = SaliencyExplainer(FrozenEstimator(clf)).fit(data.X)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "in.fa").write_text(">s1\\n" + data.X[0] + "\\n>s2\\n" + data.X[1] + "\\n")
    >>> explain_fasta(explainer, folder / "in.fa", folder / "saliency.npy")
    2
    >>> np.load(folder / "saliency.npy").shape
    (2, 4, 101)
    """
    n_records = count_fasta_records(fasta)
    if n_records == 0:
        raise ValueError(f"{fasta} holds no FASTA records.")
    names_path = Path(str(output) + ".names.txt")
    written, array = 0, None
    with atomic_path(output, suffix=".npy") as tmp, atomic_path(names_path) as tmp_names, \
            open(tmp_names, "w") as names_out:
        for names, values in _batch_results(fasta, batch_size, explainer.transform):
            if array is None:
                array = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32,
                                                  shape=(n_records, *values.shape[1:]))
            elif values.shape[1:] != array.shape[1:]:
                raise ValueError(
                    f"{fasta}, records {written + 1}-{written + len(names)}: explanations of "
                    f"shape {values.shape[1:]} after {array.shape[1:]} before; explain_fasta "
                    f"needs sequences of one length.")
            array[written:written + len(names)] = values
            names_out.writelines(f"{name}\n" for name in names)
            written += len(names)
        array.flush()
        del array  # close the memory map before the file is renamed
    return written


def _batch_results(
    fasta: str | os.PathLike, batch_size: int, compute: Callable[[list[str]], np.ndarray]
) -> Iterator[tuple[list[str], np.ndarray]]:
    """``compute`` on every batch of records; a batch that fails validation
    is re-raised naming the file, record number and id of its bad record."""
    done = 0
    bar = progress(desc=f"scoring {Path(str(fasta)).name}", unit="seq")
    for names, sequences in iter_fasta_batches(fasta, batch_size):
        try:
            result = compute(sequences)
        except ValueError:
            _raise_for_bad_record(fasta, names, sequences, first_record=done + 1)
            raise
        yield names, result
        done += len(names)
        bar.update(len(names))
    bar.close()


def _raise_for_bad_record(fasta, names: list[str], sequences: list[str],
                          first_record: int) -> None:
    """After a batch failed, name the file, record number and record id of its
    first invalid sequence (the estimator's message counts within the batch).
    Returns if every sequence is valid, so the caller re-raises the original."""
    for offset, (name, sequence) in enumerate(zip(names, sequences)):
        try:
            check_dna([sequence])
        except ValueError as exc:
            detail = str(exc).replace("Sequence 0 has", "it has").replace("Sequence 0 is", "it is")
            raise ValueError(f"{fasta}, record {first_record + offset} ({name!r}): "
                             f"{detail}") from None
    for offset, (name, sequence) in enumerate(zip(names, sequences)):
        if len(sequence) != len(sequences[0]):
            raise ValueError(
                f"{fasta}, record {first_record + offset} ({name!r}) has length "
                f"{len(sequence)}, record {first_record} ({names[0]!r}) {len(sequences[0])}: "
                "records of different lengths need padding ('right' or 'center'; "
                "predict --padding on the command line, set_params(padding=...) in "
                "Python).") from None
