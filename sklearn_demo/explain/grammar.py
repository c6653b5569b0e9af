"""Global grammar: does a model care where motif B sits relative to motif A?

:func:`motif_spacing` writes two motifs into many backgrounds at every gap
and in both orders, as tangermeme's ``space`` and gReLU's
``marginalize_pattern_spacing`` do, and reads the model's log-odds, with
each motif alone and neither at the same positions, so that the
*interaction* (both - first alone - second alone + neither) separates a
dependency between the motifs from the sum of their effects.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Integral
from typing import TYPE_CHECKING

import numpy as np

from .._validation import Interval, check_parameter
from ..encoding import check_dna, reverse_complement
from ..inference.engine import log_odds, run_batches
from ..motifs import Motif
from ..shuffle import SeedLike, dinucleotide_shuffle

if TYPE_CHECKING:
    import pandas as pd

#: The two orders of a pair: which motif is upstream (5', left).
ORDERS = ("first-second", "second-first")

#: A motif: a DNA string, a (4, w) probability matrix (rows A, C, G, T, as
#: memelite's ``read_meme`` gives them) or a JASPAR :class:`~sklearn_demo.motifs.Motif`.
MotifLike = str | np.ndarray | Motif


def motif_matrix(motif: MotifLike, name: str = "motif") -> np.ndarray:
    """The (4, w) probability matrix of ``motif`` (a DNA string: one-hot).

    Examples
    --------
    >>> motif_matrix("ACG").argmax(axis=0).tolist()
    [0, 1, 2]
    """
    if isinstance(motif, Motif):
        motif = motif.pwm
    if isinstance(motif, str):
        return check_dna([motif])[0].astype(np.float64)
    matrix = np.asarray(motif, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != 4 or matrix.shape[1] < 1:
        raise ValueError(f"{name}: a motif is a DNA string or a (4, width) matrix of base "
                         f"probabilities (rows A, C, G, T); got shape {matrix.shape}.")
    if not np.isfinite(matrix).all() or (matrix < 0).any():
        raise ValueError(f"{name}: the matrix holds negative or non-finite values; give base "
                         "probabilities (or counts), rows A, C, G, T.")
    return matrix / matrix.sum(axis=0, keepdims=True)


def motif_instances(motif: MotifLike, n: int, *, sample: bool = False,
                    random_state: SeedLike = None, name: str = "motif") -> list[str]:
    """``n`` DNA strings of ``motif``: its consensus (the most probable base
    of each column; a string as given) ``n`` times, or, with ``sample``, a
    draw from its matrix for each.

    Examples
    --------
    >>> import numpy as np
    >>> motif_instances(np.array([[.9, .1], [.1, .1], [0, .7], [0, .1]]), 2)
    ['AG', 'AG']
    """
    if isinstance(motif, str) and not sample:
        check_dna([motif])
        return [motif.upper()] * n
    matrix = motif_matrix(motif, name)
    if not sample:
        return ["".join("ACGT"[i] for i in matrix.argmax(axis=0))] * n
    rng = as_generator(random_state)
    cumulative = matrix.cumsum(axis=0)
    draws = (rng.random((n, 1, matrix.shape[1])) > cumulative[None]).sum(axis=1)
    return ["".join("ACGT"[i] for i in np.minimum(row, 3)) for row in draws]


def as_generator(random_state: SeedLike) -> np.random.Generator:
    """A NumPy ``Generator`` from a seed, a ``RandomState`` (drawing its
    seed from it) or a ``Generator`` (as it is)."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**32, dtype=np.uint64))
    return np.random.default_rng(random_state)


def centred_pair(background: str, upstream: str | None, downstream: str | None,
                 spacing: int, widths: tuple[int, int]) -> str:
    """``background`` with ``upstream`` and ``downstream`` written centred,
    ``spacing`` bases apart: the upstream motif starts at ``(L - span) // 2``
    with ``span = w_up + spacing + w_down`` (``widths``), overwriting those
    bases. A motif given as None is not written (its bases stay the
    background's), for the "alone" and "neither" sequences.

    Examples
    --------
    >>> centred_pair("N" * 12, "AAA", "CC", 2, (3, 2))  # span 7 starts at (12 - 7) // 2
    'NNAAANNCCNNN'
    >>> centred_pair("N" * 12, None, "CC", 2, (3, 2))
    'NNNNNNNCCNNN'
    """
    span = widths[0] + spacing + widths[1]
    start = (len(background) - span) // 2
    if start < 0 or spacing < 0:
        raise ValueError(f"two motifs of {widths[0]} and {widths[1]} bases, {spacing} apart, "
                         f"span {span} bases: they do not fit a background of "
                         f"{len(background)}.")
    out = list(background)
    if upstream is not None:
        out[start:start + widths[0]] = upstream
    if downstream is not None:
        second = start + widths[0] + spacing
        out[second:second + widths[1]] = downstream
    return "".join(out)


def _backgrounds(backgrounds: Sequence[str] | int, sequences: Sequence[str] | None,
                 random_state: SeedLike) -> list[str]:
    if isinstance(backgrounds, Integral) and not isinstance(backgrounds, bool):
        check_parameter("motif_spacing", "backgrounds", backgrounds, [Interval(Integral, 1, None)])
        if sequences is None or len(sequences) == 0:
            raise ValueError("motif_spacing: backgrounds=<int> makes that many dinucleotide "
                             "shuffles of `sequences=`, and none were given.")
        per_sequence = math.ceil(backgrounds / len(sequences))
        shuffles = dinucleotide_shuffle(list(sequences), n_shuffles=per_sequence,
                                        random_state=random_state)
        backgrounds = shuffles[:backgrounds].tolist()
    elif sequences is not None:
        raise ValueError("motif_spacing: `sequences=` is shuffled into backgrounds only when "
                         "`backgrounds` is an int; given backgrounds are used as they are.")
    backgrounds = [str(b).upper() for b in backgrounds]
    if not backgrounds:
        raise ValueError("motif_spacing: no backgrounds given.")
    lengths = {len(b) for b in backgrounds}
    if len(lengths) != 1:
        raise ValueError(f"motif_spacing: the backgrounds must have one length, got lengths "
                         f"{sorted(lengths)}.")
    try:
        check_dna(backgrounds)
    except ValueError as exc:  # names the background and the character
        raise ValueError(f"motif_spacing: backgrounds: {exc}") from None
    return backgrounds


def task_model(estimator: object, target: object, owner: str) -> object:
    """The single-output classifier of ``target`` (a multi-task model's task)."""
    if hasattr(estimator, "task_classifier"):
        try:
            return estimator.task_classifier(target)
        except ValueError as exc:
            raise ValueError(f"{owner}: {exc}") from None
    if target is not None:
        raise ValueError(f"{owner}: target={target!r} is for multi-task models; "
                         f"{type(estimator).__name__} has one output.")
    return estimator


class _LogOdds:
    """A picklable batch task: the positive class's log-odds of a batch."""

    def __init__(self, model: object):
        self.model = model

    def __call__(self, batch: list[str]) -> np.ndarray:
        return log_odds(self.model, batch)


def batched_log_odds(model: object, sequences: list[str], batch_size: int,
                     desc: str = "") -> np.ndarray:
    """The positive class's log-odds of ``sequences``, ``batch_size`` at a
    time through the inference engine (:func:`~sklearn_demo.inference.run_batches`)."""
    parts = list(run_batches(_LogOdds(model), sequences, batch_size, desc=desc,
                             total=-(-len(sequences) // batch_size)))
    return np.concatenate(parts).astype(np.float64) if parts else np.zeros(0)


def motif_spacing(
    estimator: object,
    first: MotifLike,
    second: MotifLike,
    *,
    spacings: Iterable[int],
    backgrounds: Sequence[str] | int,
    sequences: Sequence[str] | None = None,
    orientations: Sequence[str] = ("+",),
    sample: bool = False,
    random_state: SeedLike = None,
    target: object = None,
    batch_size: int = 256,
) -> pd.DataFrame:
    """Scan the spacing and order of two motifs: the model's mean log-odds
    with both written centred in each background, at each gap, in both
    orders, beside each motif alone and neither.

    Read more in the :doc:`User Guide </guide/explaining>`.

    Parameters
    ----------
    estimator : fitted classifier
        A network, a baseline, or anything with the package's
        ``decision_function`` / ``predict_proba``; a multi-task network
        with ``target``.
    first, second : str, ndarray of shape (4, w) or Motif
        The motifs: a DNA string, a probability matrix (rows A, C, G, T; a
        MEME file's motifs from ``memelite.io.read_meme``), or a JASPAR
        :class:`~sklearn_demo.motifs.Motif`. A matrix is written as its
        consensus, or, with ``sample``, as one draw per background.
    spacings : iterable of int
        Gaps in bases between the upstream motif's end and the downstream
        motif's start (0: adjacent).
    backgrounds : list of str, or int
        DNA strings of one length into which the motifs are written; or the
        number of backgrounds to make as dinucleotide shuffles of
        ``sequences`` (which keep their composition, so that only the
        motifs differ between backgrounds and with-motif sequences).
    sequences : list of str, optional
        Shuffled into backgrounds when ``backgrounds`` is an int.
    orientations : sequence of {"+", "-"}, default=("+",)
        Strands of each motif written: ``("+", "-")`` scans the four strand
        pairs (column ``strands``, e.g. ``"+/-"``: first motif forward,
        second reverse-complemented). Forward only by default, as the
        motifs are given.
    sample : bool, default=False
        Write each background's own draw from a matrix motif instead of its
        consensus.
    random_state : int, RandomState or Generator, or None, default=None
        Seed of the shuffles and the draws.
    target : str, int or None, default=None
        The task of a multi-task network (name or index).
    batch_size : int, default=256
        Sequences per batch of the inference engine.

    Returns
    -------
    pandas.DataFrame
        One row per (order, strands, spacing): ``order`` ("first-second":
        ``first`` upstream), ``strands``, ``spacing``, ``logit`` (mean
        log-odds over backgrounds with both motifs) and ``logit_sem``,
        ``first_alone``, ``second_alone``, ``neither`` (mean log-odds with
        only that motif, or none, written at the same positions),
        ``interaction`` (both - first alone - second alone + neither, mean
        over backgrounds) and ``interaction_sem``.

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(100, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> scan = motif_spacing(clf, "CCACTAGGGGGC", "ACCGGAAGT", spacings=[0, 5],
    ...                      backgrounds=4, sequences=data.X[:4], random_state=0)
    >>> scan[["order", "spacing"]].values.tolist()
    [['first-second', 0], ['first-second', 5], ['second-first', 0], ['second-first', 5]]
    """
    import pandas as pd

    check_parameter("motif_spacing", "batch_size", batch_size, [Interval(Integral, 1, None)])
    spacings = [int(s) for s in spacings]
    if not spacings or min(spacings) < 0:
        raise ValueError(f"motif_spacing: spacings must be gaps of 0 or more bases, got "
                         f"{spacings!r}.")
    orientations = list(orientations)
    if not orientations or set(orientations) - {"+", "-"}:
        raise ValueError(f"motif_spacing: orientations are '+' and/or '-', got {orientations!r}.")
    model = task_model(estimator, target, "motif_spacing")
    rng = as_generator(random_state)
    backgrounds = _backgrounds(backgrounds, sequences, rng)
    n = len(backgrounds)
    instances = {"first": motif_instances(first, n, sample=sample, random_state=rng, name="first"),
                 "second": motif_instances(second, n, sample=sample, random_state=rng,
                                           name="second")}
    widths = {key: len(value[0]) for key, value in instances.items()}
    longest = widths["first"] + widths["second"] + max(spacings)
    if longest > len(backgrounds[0]):
        raise ValueError(f"motif_spacing: motifs of {widths['first']} and {widths['second']} "
                         f"bases {max(spacings)} apart span {longest} bases, more than the "
                         f"backgrounds' {len(backgrounds[0])}.")

    def strand(sequence: str, sign: str) -> str:
        return sequence if sign == "+" else reverse_complement(sequence)

    layouts, written = [], []
    for order in ORDERS:
        up, down = ("first", "second") if order == ORDERS[0] else ("second", "first")
        for sign_first in orientations:
            for sign_second in orientations:
                signs = {"first": sign_first, "second": sign_second}
                for spacing in spacings:
                    layouts.append((order, f"{sign_first}/{sign_second}", spacing))
                    for keep in (("first", "second"), ("first",), ("second",)):
                        for i, background in enumerate(backgrounds):
                            motif = {key: strand(instances[key][i], signs[key]) if key in keep
                                     else None for key in ("first", "second")}
                            written.append(centred_pair(background, motif[up], motif[down],
                                                        spacing, (widths[up], widths[down])))
    scores = batched_log_odds(model, written + backgrounds, batch_size,
                              desc="motif spacing").astype(np.float64)
    neither = scores[len(written):]
    both, first_alone, second_alone = scores[:len(written)].reshape(len(layouts), 3, n) \
        .transpose(1, 0, 2)
    interaction = both - first_alone - second_alone + neither

    def standard_error(values: np.ndarray) -> np.ndarray:
        """Standard error of each row's mean over backgrounds (NaN for one)."""
        if n == 1:
            return np.full(len(values), np.nan)
        return values.std(axis=1, ddof=1) / np.sqrt(n)

    return pd.DataFrame({
        "order": [layout[0] for layout in layouts],
        "strands": [layout[1] for layout in layouts],
        "spacing": [layout[2] for layout in layouts],
        "logit": both.mean(axis=1), "logit_sem": standard_error(both),
        "first_alone": first_alone.mean(axis=1), "second_alone": second_alone.mean(axis=1),
        "neither": np.full(len(layouts), neither.mean()),
        "interaction": interaction.mean(axis=1), "interaction_sem": standard_error(interaction),
    })
