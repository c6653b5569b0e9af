"""Probabilities of a fitted classifier over FASTA files, peak windows and
whole genomes, streamed through the one engine
(:mod:`~sklearn_demo.inference.engine`) into TSV and bedGraph files."""
from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial
from numbers import Integral, Real

import numpy as np
from scipy.special import expit

from .._validation import N_JOBS, PATH, Interval, Options, validate_arguments
from ..encoding import fit_to_width
from ..genome import Peaks, Windows, open_genome
from ..genome.windows import CENTRES, OFF_END
from ..labels import probability_name
from .engine import SequenceTask, log_odds, model_width, probability, run_batches
from .sources import TileTask, cut_windows, fasta_items, source_name, tile_items, window_items
from .writers import BedGraphWriter, TableWriter


#: What every public function of the inference layer checks before it runs.
POSITIVE = [Interval(Integral, 1, None)]
WIDTH = [Interval(Integral, 1, None), None]
COMMON = {"batch_size": POSITIVE, "n_jobs": N_JOBS}
FRACTION = [Interval(Real, 0, 1)]


def _cropped(estimator: object, width: int | None, sequences: list[str]) -> np.ndarray:
    return log_odds(estimator, sequences if width is None else fit_to_width(sequences, width))


@validate_arguments({**COMMON, "fasta": PATH, "output": PATH, "width": WIDTH},
                    outputs=("output",), inputs=("fasta",))
def predict_fasta(
    estimator: object,
    fasta: str | os.PathLike,
    output: str | os.PathLike,
    *,
    batch_size: int = 10_000,
    width: int | None = None,
    n_jobs: int | None = None,
) -> int:
    """Write ``name<TAB>probability<TAB>log_odds`` of the positive class for
    every record of ``fasta``, streaming.

    Read more in the :doc:`User Guide </guide/data>`.

    Probabilities keep 9 significant digits; the log-odds (for the networks,
    their raw logit) keep ranking the confident hits whose probabilities
    round to 1. An error (say, an invalid character in record 1,234,567)
    names the record and leaves no partial file.

    Parameters
    ----------
    estimator : fitted classifier
        Anything with ``predict_proba`` on DNA strings; the networks' logit is
        written as the log-odds.
    fasta : str or path-like
        Plain or gzip FASTA; ``"-"`` reads standard input.
    output : str or path-like
        The TSV to write; ``"-"`` writes standard output.
    batch_size : int, default=10000
        Records per batch: memory stays bounded by one batch per job.
    width : int or None, default=None
        Centre-crop or N-pad every record to ``width`` bases first
        (:func:`~sklearn_demo.encoding.fit_to_width`); None scores records
        as they are.
    n_jobs : int or None, default=None
        joblib processes (or a Dask or Ray cluster inside
        ``joblib.parallel_config``); None runs in this process.

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
    'name\\tp(bound)\\tlog_odds'
    """
    task = SequenceTask(partial(_cropped, estimator, width), str(fasta))
    written = 0
    with TableWriter(output, ("name", probability_name(estimator), "log_odds")) as out:
        for names, z in run_batches(task, fasta_items(fasta), batch_size, n_jobs=n_jobs,
                                    desc=f"scoring {os.path.basename(str(fasta))}"):
            out.write((name, f"{expit(value):.9g}", f"{value:.6f}")
                      for name, value in zip(names, z.tolist()))
            written += len(names)
        if not written:
            raise ValueError(f"{fasta} holds no FASTA records.")
    return written


@validate_arguments({**COMMON, "out": PATH, "width": WIDTH, "centre": [Options(CENTRES)],
                     "off_end": [Options(OFF_END)], "max_n_fraction": FRACTION},
                    outputs=("out",), inputs=("peaks", "genome"))
def predict_peaks(
    estimator: object,
    peaks: str | os.PathLike | Peaks | Windows,
    genome: object,
    out: str | os.PathLike,
    *,
    width: int | None = None,
    centre: str = "summit",
    off_end: str = "skip",
    max_n_fraction: float = 0.1,
    batch_size: int = 10_000,
    n_jobs: int | None = None,
) -> Windows:
    """Score each peak's window with a fitted classifier and write a
    bedGraph (``chrom start end p(bound)``, the windows' coordinates).

    Read more in the :doc:`User Guide </guide/data>`.

    ``width`` defaults to the width the model was trained on
    (:func:`~sklearn_demo.inference.engine.model_width`); ``centre``,
    ``off_end`` and ``max_n_fraction`` are
    :func:`~sklearn_demo.genome.peak_windows`'s. ``peaks`` may also be
    :class:`~sklearn_demo.genome.Windows` already cut. Returns the windows
    (with the report of the intervals skipped).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_demo import KmerClassifier
    >>> from sklearn_demo.genome import load_peak_dataset
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rng = np.random.RandomState(0)
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "".join(rng.choice(list("ACGT"), 3000)) + "\\n")
    >>> _ = (folder / "p.bed").write_text("chr1\\t1000\\t1200\\n")
    >>> data = load_peak_dataset(folder / "p.bed", folder / "g.fa")
    >>> model = KmerClassifier(k=3).fit(data.X, data.y)
    >>> windows = predict_peaks(model, folder / "p.bed", folder / "g.fa", folder / "p.bedGraph")
    >>> (folder / "p.bedGraph").read_text().split("\\t")[:3]
    ['chr1', '1050', '1151']
    """
    windows = cut_windows(peaks, genome, width=model_width(estimator, width), centre=centre,
                          off_end=off_end, max_n_fraction=max_n_fraction)
    task = SequenceTask(partial(probability, estimator), source_name(peaks))
    done = 0
    with BedGraphWriter(out) as writer:
        for names, p in run_batches(task, window_items(windows), batch_size, n_jobs=n_jobs,
                                    desc="peaks"):
            rows = slice(done, done + len(names))
            writer.write(windows.chrom[rows], windows.start[rows], windows.end[rows], p)
            done += len(names)
    return windows


@validate_arguments({**COMMON, "genome": PATH, "out": PATH, "width": WIDTH, "step": WIDTH,
                     "max_n_fraction": FRACTION}, outputs=("out",), inputs=("genome",))
def predict_tiles(
    estimator: object,
    genome: str | os.PathLike,
    out: str | os.PathLike,
    *,
    chromosomes: Sequence[str] | None = None,
    width: int | None = None,
    step: int | None = None,
    max_n_fraction: float = 0.1,
    batch_size: int = 10_000,
    n_jobs: int | None = None,
) -> int:
    """Score a genome (or ``chromosomes`` of it) in tiles of ``width`` bases
    (default: the model's input width) every ``step`` (default ``width``)
    and write a bedGraph of p(bound): each tile's value on the ``step``
    bases at its centre, so rows never overlap. Tiles with more than
    ``max_n_fraction`` N are left out.

    Read more in the :doc:`User Guide </guide/data>`.

    Each batch's worker reads its own tiles from the indexed genome; batches
    run through the engine (``n_jobs``, or a Dask or Ray cluster inside
    ``joblib.parallel_config``) and are written in genome order. Returns the
    number of tiles written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_demo import KmerClassifier
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "ACGT" * 30 + "N" * 40 + "\\n")
    >>> model = KmerClassifier(k=2).fit(["ACGTACGT", "AAAAAAAA"], [1, 0])
    >>> predict_tiles(model, folder / "g.fa", folder / "t.bedGraph", width=20, step=10)
    11
    >>> (folder / "t.bedGraph").read_text().splitlines()[0].split("\\t")[:3]
    ['chr1', '5', '15']
    """
    width = model_width(estimator, width)
    step = width if step is None else step
    fasta = open_genome(genome)
    names = list(fasta.keys()) if chromosomes is None else list(chromosomes)
    missing = [name for name in names if name not in fasta]
    if missing:
        raise ValueError(f"chromosomes not in the genome: {missing[:5]}.")
    total = sum((len(fasta[name]) - width) // step + 1 for name in names
                if len(fasta[name]) >= width)
    task = TileTask(partial(probability, estimator), os.fspath(genome), width, max_n_fraction)
    margin = (width - step) // 2
    written = 0
    with BedGraphWriter(out) as writer:
        for kept, p in run_batches(task, tile_items(fasta, names, width, step), batch_size,
                                   n_jobs=n_jobs, desc="tiles", total=-(-total // batch_size)):
            starts = np.array([start for _, start in kept], dtype=np.int64) + margin
            writer.write([chrom for chrom, _ in kept], starts, starts + min(step, width), p)
            written += len(kept)
    return written
