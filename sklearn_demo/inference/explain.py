"""Explanations (any fitted explainer's ``transform``) over FASTA files and
peak windows, streamed through the one engine
(:mod:`~sklearn_demo.inference.engine`) into ``.npy``, ``.npz`` and bigWig
files."""
from __future__ import annotations

import os

import numpy as np

from .._validation import PATH, Options, validate_arguments
from ..encoding import one_hot_encode
from ..genome import Peaks, Windows, open_genome
from ..genome.windows import CENTRES
from ..io import count_fasta_records
from .engine import SequenceTask, model_width, run_batches
from .predict import COMMON, WIDTH
from .sources import cut_windows, fasta_items, source_name, window_items
from .writers import ArrayWriter, write_bigwig, write_npz


@validate_arguments({**COMMON, "fasta": PATH, "output": PATH},
                    outputs=("output",), inputs=("fasta",))
def explain_fasta(
    explainer: object,
    fasta: str | os.PathLike,
    output: str | os.PathLike,
    *,
    batch_size: int = 1000,
    n_jobs: int | None = None,
) -> int:
    """Run a fitted explainer's ``transform`` over every record of ``fasta``,
    streaming, into a ``.npy`` array on disk.

    Read more in the :doc:`User Guide </guide/data>`.

    ``output`` gets a float32 array of shape ``(n_records, ...)`` (e.g.
    ``(n, 4, L)`` for :class:`~sklearn_demo.SaliencyExplainer`, ``(n, 2, L)``
    for :class:`~sklearn_demo.TemporalScorer`) written batch by batch through
    a memory map, so memory stays bounded by ``batch_size`` whatever the
    file's size; the record names go to ``output`` + ``.names.txt``, one per
    line, in the same order. Both are renamed into place only when complete.
    All records must have one length (the array is rectangular).

    Parameters
    ----------
    explainer : fitted SaliencyExplainer, TemporalScorer or ClassOptimizer
    fasta : str or path-like
    output : str or path-like
        Path of the ``.npy`` file; open it with ``np.load(output, mmap_mode="r")``.
    batch_size : int, default=1000
        Records per batch; explanations take more memory per record than
        predictions, hence a tenth of :func:`predict_fasta`'s.
    n_jobs : int or None, default=None
        joblib processes (or a Dask or Ray cluster); None runs here.

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
    task = SequenceTask(explainer.transform, str(fasta))
    with ArrayWriter(output, n_records, source=str(fasta)) as out:
        for names, values in run_batches(task, fasta_items(fasta), batch_size, n_jobs=n_jobs,
                                         desc=f"explaining {os.path.basename(str(fasta))}"):
            out.write(names, values)
    return out.written


@validate_arguments({**COMMON, "out": PATH, "width": WIDTH, "centre": [Options(CENTRES)]},
                    outputs=("out",), inputs=("peaks", "genome"))
def explain_peaks(
    explainer: object,
    peaks: str | os.PathLike | Peaks | Windows,
    genome: object,
    out: str | os.PathLike,
    *,
    width: int | None = None,
    centre: str = "summit",
    batch_size: int = 1000,
    n_jobs: int | None = None,
) -> Windows:
    """Per-base attributions of each peak's window, in genome coordinates.

    Read more in the :doc:`User Guide </guide/data>`.

    ``explainer`` is a fitted :class:`~sklearn_demo.SaliencyExplainer` (any
    transformer of sequences to (n, 4, L) attributions); ``width`` defaults
    to its model's input width. ``out`` by its extension:

    * ``.npz``: ``attributions`` (n, 4, width) float32, rows A, C, G, T, and
      each window's ``chrom``, ``start``, ``end``, ``name`` (0-based, end
      excluded; read with ``numpy.load``);
    * ``.bw`` / ``.bigWig``: one value per base, the attribution of the base
      present there (``pyBigWig``); where windows overlap, their mean.

    ``peaks`` may also be the :class:`~sklearn_demo.genome.Windows` already
    cut (e.g. by :func:`predict_peaks`), used as they are. Returns the
    windows (with the report of intervals skipped).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn_demo import CNNClassifier, SaliencyExplainer
    >>> from sklearn_demo.genome import load_peak_dataset
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rng = np.random.RandomState(0)
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "".join(rng.choice(list("ACGT"), 3000)) + "\\n")
    >>> _ = (folder / "p.bed").write_text("chr1\\t1000\\t1200\\nchr1\\t2000\\t2100\\n")
    >>> data = load_peak_dataset(folder / "p.bed", folder / "g.fa")
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> explainer = SaliencyExplainer(FrozenEstimator(clf)).fit(data.X)
    >>> _ = explain_peaks(explainer, folder / "p.bed", folder / "g.fa", folder / "a.npz")
    >>> saved = np.load(folder / "a.npz")
    >>> saved["attributions"].shape, saved["start"].tolist()
    ((2, 4, 101), [1050, 2000])
    """
    suffix = os.fspath(out).lower().rsplit(".", 1)[-1]
    if suffix not in ("npz", "bw", "bigwig"):
        raise ValueError(f"explain_peaks writes .npz or .bw/.bigWig files; got {out!r}.")
    fasta = open_genome(genome)
    windows = cut_windows(peaks, fasta, width=model_width(explainer, width), centre=centre)
    length = int(windows.end[0] - windows.start[0]) if len(windows) else 0
    attributions = np.empty((len(windows), 4, length), dtype=np.float32)
    task = SequenceTask(explainer.transform, source_name(peaks))
    done = 0
    for names, values in run_batches(task, window_items(windows), batch_size, n_jobs=n_jobs,
                                     desc="explaining peaks"):
        attributions[done:done + len(names)] = values
        done += len(names)
    if suffix == "npz":
        write_npz(out, attributions, windows)
    else:
        present = (attributions * one_hot_encode(windows.sequences)).sum(axis=1)
        write_bigwig(out, {c: len(fasta[c]) for c in set(windows.chrom.tolist())},
                     windows.chrom, windows.start, present)
    return windows
