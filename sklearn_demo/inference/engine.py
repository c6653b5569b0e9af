"""The one batching engine behind every command that runs a model over a
stream of sequences and writes a file.

A *source* yields items lazily (FASTA records, peak windows, genome tiles,
VCF variants); :func:`run_batches` cuts them into batches of ``batch_size``,
runs a task on each through joblib (here, in ``n_jobs`` processes, or on a
Dask or Ray cluster inside ``joblib.parallel_config``), yields the results in
the source's order with a progress bar, and keeps at most ``2 * n_jobs``
batches in flight, so memory stays bounded whatever the input's size. The
device and the batch size of each forward pass are the model's own
parameters (``device``, ``batch_size``); the engine never moves a model.

:class:`SequenceTask` is the task for sources of ``(key, sequence)`` items: it
computes on a batch of sequences and, when the model refuses one, names the
source, the record number and the record's key.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from numbers import Integral

import numpy as np

from .._progress import progress
from .._validation import N_JOBS, Interval, validate_arguments
from ..encoding import check_dna
from ..labels import positive_log_odds, positive_proba


@validate_arguments({"batch_size": [Interval(Integral, 1, None)], "n_jobs": N_JOBS,
                     "total": [Interval(Integral, 0, None), None]})
def run_batches(
    task: Callable[[list], object],
    items: Iterable,
    batch_size: int,
    *,
    n_jobs: int | None = None,
    desc: str = "",
    total: int | None = None,
) -> Iterator[object]:
    """``task(batch)`` for consecutive ``batch_size`` batches of ``items``,
    yielded in order as they finish, with a progress bar over batches.

    ``items`` is read lazily and at most ``2 * n_jobs`` batches are in
    flight. ``task`` must pickle for parallel backends (a module-level
    function, a ``functools.partial`` of one, or a :class:`SequenceTask`).
    ``total`` is the number of batches, if known.

    Examples
    --------
    >>> list(run_batches(sum, range(7), 3))
    [3, 12, 6]
    """
    from joblib import Parallel, delayed

    items = iter(items)
    batches = iter(lambda: list(islice(items, batch_size)), [])
    results = Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="2*n_jobs")(
        delayed(task)(batch) for batch in batches)
    return iter(progress(results, total=total, desc=desc, unit="batch"))


def numbered(items: Iterable[tuple[object, str]]) -> Iterator[tuple[int, object, str]]:
    """``(record number, key, sequence)``, numbered from 1, for :class:`SequenceTask`.

    Examples
    --------
    >>> list(numbered([("a", "AC"), ("b", "GT")]))
    [(1, 'a', 'AC'), (2, 'b', 'GT')]
    """
    return ((number, key, sequence) for number, (key, sequence) in enumerate(items, start=1))


@dataclass(frozen=True)
class SequenceTask:
    """``compute`` on a batch of numbered ``(number, key, sequence)`` items;
    returns ``(keys, values)``.

    A batch the model refuses (a ``ValueError``) is re-raised naming
    ``source``, the record number and the key of its first invalid sequence
    (the model's own message counts within the batch), or, when every
    sequence is valid DNA, the first whose length differs.

    Examples
    --------
    >>> task = SequenceTask(lambda seqs: np.array([len(s) for s in seqs]), "reads.fa")
    >>> task([(1, "a", "ACG"), (2, "b", "AC")])
    (['a', 'b'], array([3, 2]))
    """

    compute: Callable[[list[str]], np.ndarray]
    source: str

    def __call__(self, batch: list[tuple[int, object, str]]) -> tuple[list, np.ndarray]:
        numbers, keys, sequences = (list(column) for column in zip(*batch))
        try:
            return keys, self.compute(sequences)
        except ValueError:
            self._raise_for_bad_record(numbers, keys, sequences)
            raise

    def _raise_for_bad_record(self, numbers: list[int], keys: list, sequences: list[str]) -> None:
        for number, key, sequence in zip(numbers, keys, sequences):
            try:
                check_dna([sequence])
            except ValueError as exc:
                detail = (str(exc).replace("Sequence 0 has", "it has")
                          .replace("Sequence 0 is", "it is"))
                raise ValueError(f"{self.source}, record {number} ({key!r}): {detail}") from None
        for number, key, sequence in zip(numbers, keys, sequences):
            if len(sequence) != len(sequences[0]):
                raise ValueError(
                    f"{self.source}, record {number} ({key!r}) has length {len(sequence)}, "
                    f"record {numbers[0]} ({keys[0]!r}) {len(sequences[0])}: records of "
                    "different lengths need padding ('right' or 'center'; predict --padding "
                    "on the command line, set_params(padding=...) in Python).") from None


def log_odds(estimator: object, sequences: list[str]) -> np.ndarray:
    """The positive class's (``pos_label_``) log-odds: the networks' raw
    logit; for other classifiers the log-odds of their probability (a
    gkm-SVM's decision value is not one). ``expit`` of it is
    :func:`probability`.

    Examples
    --------
    >>> from sklearn_demo import KmerClassifier
    >>> model = KmerClassifier(k=2).fit(["ACGTACGT", "AAAAAAAA"], [1, 0])
    >>> from scipy.special import expit
    >>> bool(np.allclose(expit(log_odds(model, ["ACGTAC"])), model.predict_proba(["ACGTAC"])[:, 1]))
    True
    """
    if hasattr(estimator, "module_"):
        return positive_log_odds(estimator, sequences)
    p = np.clip(probability(estimator, sequences).astype(np.float64), 1e-15, 1 - 1e-15)
    return np.log(p) - np.log1p(-p)


def probability(estimator: object, sequences: list[str]) -> np.ndarray:
    """The probability of the positive class (``pos_label_``)."""
    return positive_proba(estimator, sequences)


#: The window width of the genome commands for a model that does not record
#: its input width (the k-mer and gkm-SVM baselines, model files saved
#: before it was recorded): DeepBind's ENCODE sequences are 101 bases.
DEFAULT_WIDTH = 101


def model_width(estimator: object, width: int | None = None) -> int:
    """``width`` if given, else the width the model was trained on
    (``input_width_`` of the networks, unwrapping a ``FrozenEstimator`` or
    an explainer's ``classifier_``), else :data:`DEFAULT_WIDTH`.

    Examples
    --------
    >>> from sklearn_demo import KmerClassifier
    >>> model_width(KmerClassifier(), None), model_width(KmerClassifier(), 200)
    (101, 200)
    """
    if width is not None:
        return width
    for name in ("classifier_", "estimator"):
        estimator = getattr(estimator, name, estimator)
    return getattr(estimator, "input_width_", None) or DEFAULT_WIDTH
