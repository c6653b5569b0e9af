"""ChIP-seq peaks on a reference genome: BED / narrowPeak intervals to
fixed-width windows, background windows from the same genome, and a
chromosome hold-out split.

The genome is read through an indexed FASTA reader (``pyfaidx``, which writes
a ``.fai`` index beside the FASTA on first use), so only the windows asked
for are read. Coordinates are BED's: 0-based, end excluded.
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_random_state

from ._validation import Interval, Options, check_parameter
from .io import open_text

CENTRES = ("summit", "centre")
OFF_END = ("skip", "pad")
BACKGROUNDS = ("flank", "gc")


@dataclass(frozen=True)
class Peaks:
    """Intervals of a BED or narrowPeak file, one entry per line."""

    chrom: np.ndarray
    """ndarray of str, shape (n,)"""
    start: np.ndarray
    """ndarray of int64, shape (n,): 0-based start."""
    end: np.ndarray
    """ndarray of int64, shape (n,): end, excluded."""
    summit: np.ndarray
    """ndarray of int64, shape (n,): the summit's offset from ``start``
    (narrowPeak column 10), -1 where there is none."""
    name: np.ndarray
    """ndarray of str, shape (n,): column 4, or ``chrom:start-end``."""

    def __len__(self) -> int:
        return len(self.chrom)


def read_peaks(path: str | os.PathLike) -> Peaks:
    """Read a BED (3 or more columns) or ENCODE narrowPeak file, plain or gzip.

    ``track``, ``browser`` and ``#`` lines are skipped. A malformed line is a
    ``ValueError`` naming the file, the line number and the problem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "peaks.narrowPeak"
    >>> _ = path.write_text("chr1\\t100\\t300\\tp1\\t0\\t.\\t5.0\\t-1\\t-1\\t120\\n")
    >>> peaks = read_peaks(path)
    >>> peaks.chrom.tolist(), peaks.start.tolist(), peaks.summit.tolist()
    (['chr1'], [100], [120])
    """
    chrom, start, end, summit, name = [], [], [], [], []
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.rstrip("\n\r").split("\t")
            where = f"{path}, line {number}"
            if len(fields) < 3:
                raise ValueError(f"{where}: a BED line needs chrom, start and end "
                                 f"(tab-separated); got {len(fields)} field(s).")
            try:
                first, last = int(fields[1]), int(fields[2])
                offset = int(fields[9]) if len(fields) >= 10 else -1
            except ValueError:
                raise ValueError(f"{where}: start, end (and narrowPeak's summit, column 10) "
                                 f"must be integers; got {fields[1:3]}"
                                 f"{' and ' + repr(fields[9]) if len(fields) >= 10 else ''}."
                                 ) from None
            if first < 0 or last <= first:
                raise ValueError(f"{where}: needs 0 <= start < end; got start={first}, "
                                 f"end={last}.")
            if offset >= last - first:
                raise ValueError(f"{where}: the summit offset {offset} lies outside the "
                                 f"interval of length {last - first}.")
            chrom.append(fields[0])
            start.append(first)
            end.append(last)
            summit.append(max(offset, -1))
            name.append(fields[3] if len(fields) >= 4 and fields[3] not in ("", ".")
                        else f"{fields[0]}:{first}-{last}")
    if not chrom:
        raise ValueError(f"{path}: no intervals (an empty BED file).")
    return Peaks(np.array(chrom), np.array(start, dtype=np.int64),
                 np.array(end, dtype=np.int64), np.array(summit, dtype=np.int64),
                 np.array(name))


@dataclass
class WindowReport:
    """What happened to each interval on its way to a window."""

    n_intervals: int
    kept: int
    unknown_chromosome: int = 0
    off_end: int = 0
    padded: int = 0
    n_rich: int = 0
    unknown_names: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{self.kept} of {self.n_intervals} intervals kept"]
        if self.unknown_chromosome:
            shown = ", ".join(self.unknown_names[:5]) + (", ..." if len(self.unknown_names) > 5
                                                         else "")
            parts.append(f"{self.unknown_chromosome} skipped on chromosomes not in the genome "
                         f"({shown})")
        if self.off_end:
            parts.append(f"{self.off_end} skipped running off a chromosome end")
        if self.padded:
            parts.append(f"{self.padded} padded with N past a chromosome end")
        if self.n_rich:
            parts.append(f"{self.n_rich} skipped with too many N")
        return "; ".join(parts)


@dataclass(frozen=True)
class Windows:
    """Fixed-width windows of a genome and their coordinates."""

    sequences: np.ndarray
    """ndarray of str, shape (n,), upper case."""
    chrom: np.ndarray
    start: np.ndarray
    """0-based start of each window (may be negative where padded)."""
    end: np.ndarray
    name: np.ndarray
    report: WindowReport

    def __len__(self) -> int:
        return len(self.sequences)


def open_genome(genome: object):
    """A ``pyfaidx.Fasta`` for a FASTA path (indexed on first use), or
    ``genome`` itself if it already is one."""
    import pyfaidx

    if isinstance(genome, pyfaidx.Fasta):
        return genome
    path = os.fspath(genome)
    if not os.path.exists(path):
        raise FileNotFoundError(f"genome FASTA {path!r} does not exist.")
    try:
        return pyfaidx.Fasta(path, as_raw=True, sequence_always_upper=True,
                             rebuild=False, build_index=True)
    except Exception as exc:  # pyfaidx raises its own error classes
        raise ValueError(f"genome FASTA {path!r} could not be indexed: {exc}") from None


def fetch_bases(genome, chrom: str, start: int, end: int) -> str:
    """Bases [start, end) of ``chrom``, N past either end."""
    size = len(genome[chrom])
    left, right = max(0, start), min(size, end)
    inside = genome[chrom][left:right] if right > left else ""
    return "N" * (left - start) + inside + "N" * (end - right)


def peak_windows(
    peaks: Peaks,
    genome: object,
    *,
    width: int = 101,
    centre: str = "summit",
    off_end: str = "skip",
    max_n_fraction: float = 0.1,
) -> Windows:
    """Windows of ``width`` bases centred on each peak's summit (narrowPeak
    column 10; the interval's centre where there is none) or on the
    interval's centre.

    Policy, reported in ``Windows.report``, never silent: intervals on
    chromosomes the genome lacks are skipped; windows running off a
    chromosome end are skipped (``off_end="skip"``) or padded with N
    (``"pad"``); windows with more than ``max_n_fraction`` N are skipped.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "ACGT" * 50 + "\\n")
    >>> peaks = Peaks(np.array(["chr1", "chrX"]), np.array([40, 0]), np.array([60, 10]),
    ...               np.array([-1, -1]), np.array(["a", "b"]))
    >>> windows = peak_windows(peaks, folder / "g.fa", width=8)
    >>> windows.sequences.tolist(), str(windows.report)
    (['GTACGTAC'], '1 of 2 intervals kept; 1 skipped on chromosomes not in the genome (chrX)')
    """
    check_parameter("peak_windows", "width", width, [Interval(Integral, 1, None)])
    check_parameter("peak_windows", "centre", centre, [Options(CENTRES)])
    check_parameter("peak_windows", "off_end", off_end, [Options(OFF_END)])
    check_parameter("peak_windows", "max_n_fraction", max_n_fraction, [Interval(Real, 0, 1)])
    fasta = open_genome(genome)
    has_summit = (peaks.summit >= 0) & (centre == "summit")
    middle = np.where(has_summit, peaks.start + peaks.summit, (peaks.start + peaks.end) // 2)
    starts = middle - width // 2
    report = WindowReport(n_intervals=len(peaks), kept=0)
    kept: list[int] = []
    sequences: list[str] = []
    unknown: dict[str, None] = {}
    for i, (chrom, start) in enumerate(zip(peaks.chrom, starts.tolist())):
        if chrom not in fasta:
            report.unknown_chromosome += 1
            unknown[chrom] = None
            continue
        size = len(fasta[chrom])
        if start < 0 or start + width > size:
            if off_end == "skip":
                report.off_end += 1
                continue
            report.padded += 1
        sequence = fetch_bases(fasta, chrom, start, start + width)
        if sequence.count("N") > max_n_fraction * width:
            report.n_rich += 1
            continue
        kept.append(i)
        sequences.append(sequence)
    report.kept = len(kept)
    report.unknown_names = list(unknown)
    index = np.array(kept, dtype=np.int64)
    return Windows(np.array(sequences, dtype=f"<U{width}"), peaks.chrom[index],
                   starts[index], starts[index] + width, peaks.name[index], report)


def _gc_fraction(sequences: Sequence[str]) -> np.ndarray:
    return np.array([(s.count("G") + s.count("C")) / max(1, len(s) - s.count("N"))
                     for s in sequences])


def background_windows(
    windows: Windows,
    genome: object,
    *,
    method: str = "gc",
    n_per_window: int = 1,
    flank_gap: int = 200,
    n_gc_bins: int = 20,
    max_n_fraction: float = 0.1,
    random_state: int | np.random.RandomState | None = 0,
) -> Windows:
    """Unbound windows of the same width from the same genome.

    * ``method="flank"``: for each peak window, windows ``flank_gap`` bases
      beyond either side of it (alternating sides, then further out for
      ``n_per_window`` > 2).
    * ``method="gc"``: random windows on the peaks' chromosomes, matched to
      the peak windows on GC content (same bin of ``n_gc_bins``) and
      chromosome.

    Windows overlapping any peak window, running off a chromosome end or
    with more than ``max_n_fraction`` N are never drawn. Seeded by
    ``random_state``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rng = np.random.RandomState(0)
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "".join(rng.choice(list("ACGT"), 5000)) + "\\n")
    >>> peaks = Peaks(np.array(["chr1"]), np.array([2000]), np.array([2101]),
    ...               np.array([-1]), np.array(["p"]))
    >>> bound = peak_windows(peaks, folder / "g.fa")
    >>> unbound = background_windows(bound, folder / "g.fa", method="flank")
    >>> unbound.start.tolist()
    [1699]
    """
    check_parameter("background_windows", "method", method, [Options(BACKGROUNDS)])
    check_parameter("background_windows", "n_per_window", n_per_window, [Interval(Integral, 1, None)])
    check_parameter("background_windows", "flank_gap", flank_gap, [Interval(Integral, 0, None)])
    check_parameter("background_windows", "n_gc_bins", n_gc_bins, [Interval(Integral, 1, None)])
    if len(windows) == 0:
        raise ValueError("background_windows needs at least one peak window.")
    fasta = open_genome(genome)
    rng = check_random_state(random_state)
    width = int(windows.end[0] - windows.start[0])
    occupied = _Occupied(windows)
    drawn: list[tuple[str, int, str]] = []

    def usable(chrom: str, start: int) -> str | None:
        if start < 0 or start + width > len(fasta[chrom]) or occupied.overlaps(chrom, start,
                                                                                start + width):
            return None
        sequence = fetch_bases(fasta, chrom, start, start + width)
        return None if sequence.count("N") > max_n_fraction * width else sequence

    if method == "flank":
        for chrom, start in zip(windows.chrom, windows.start.tolist()):
            for k in range(n_per_window):
                side = -1 if k % 2 == 0 else 1
                step = (k // 2 + 1) * (width + flank_gap)
                candidate = start + side * step
                sequence = usable(chrom, candidate)
                if sequence is not None:
                    drawn.append((chrom, candidate, sequence))
                    occupied.add(chrom, candidate, candidate + width)
    else:
        bins = np.minimum((_gc_fraction(windows.sequences) * n_gc_bins).astype(int),
                          n_gc_bins - 1)
        for chrom in dict.fromkeys(windows.chrom.tolist()):
            wanted = np.bincount(bins[windows.chrom == chrom], minlength=n_gc_bins) * n_per_window
            size = len(fasta[chrom])
            for _attempt in range(50 * int(wanted.sum()) + 100):
                if not wanted.any() or size < width:
                    break
                candidate = int(rng.randint(0, size - width + 1))
                sequence = usable(chrom, candidate)
                if sequence is None:
                    continue
                gc_bin = min(int(_gc_fraction([sequence])[0] * n_gc_bins), n_gc_bins - 1)
                if wanted[gc_bin]:
                    wanted[gc_bin] -= 1
                    drawn.append((chrom, candidate, sequence))
                    occupied.add(chrom, candidate, candidate + width)
    n_wanted = len(windows) * n_per_window
    report = WindowReport(n_intervals=n_wanted, kept=len(drawn))
    chroms = np.array([d[0] for d in drawn], dtype=windows.chrom.dtype)
    starts = np.array([d[1] for d in drawn], dtype=np.int64)
    names = np.array([f"{c}:{s}-{s + width}" for c, s in zip(chroms, starts.tolist())])
    return Windows(np.array([d[2] for d in drawn], dtype=f"<U{width}"), chroms, starts,
                   starts + width, names, report)


class _Occupied:
    """Intervals already taken per chromosome, for overlap queries."""

    def __init__(self, windows: Windows):
        self._spans: dict[str, list[tuple[int, int]]] = {}
        for chrom, start, end in zip(windows.chrom, windows.start.tolist(), windows.end.tolist()):
            self.add(chrom, start, end)

    def add(self, chrom: str, start: int, end: int) -> None:
        self._spans.setdefault(chrom, []).append((start, end))

    def overlaps(self, chrom: str, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self._spans.get(chrom, ()))


class ChromosomeHoldout(BaseCrossValidator):
    """Hold out whole chromosomes: one split whose test set is every sample
    on ``test_chromosomes`` (``groups`` gives each sample's chromosome).

    Usable wherever scikit-learn takes a splitter (``cross_validate``,
    ``GridSearchCV``) with ``groups=chromosomes``. Nothing of a test
    chromosome reaches training, so nearby, correlated windows cannot leak.

    Parameters
    ----------
    test_chromosomes : sequence of str, default=("chr8", "chr9")

    Examples
    --------
    >>> splitter = ChromosomeHoldout(["chr2"])
    >>> groups = np.array(["chr1", "chr2", "chr1", "chr2"])
    >>> [(train.tolist(), test.tolist()) for train, test in splitter.split(groups, groups=groups)]
    [([0, 2], [1, 3])]
    """

    def __init__(self, test_chromosomes: Sequence[str] = ("chr8", "chr9")):
        self.test_chromosomes = test_chromosomes

    def _iter_test_masks(self, X=None, y=None, groups=None) -> Iterator[np.ndarray]:
        if groups is None:
            raise ValueError("ChromosomeHoldout needs groups: the chromosome of each sample.")
        groups = np.asarray(groups).astype(str)
        test = np.isin(groups, np.asarray(list(self.test_chromosomes), dtype=str))
        if not test.any():
            raise ValueError(f"ChromosomeHoldout: no sample lies on the test chromosomes "
                             f"{list(self.test_chromosomes)}; chromosomes present: "
                             f"{sorted(set(groups.tolist()))[:10]}.")
        if test.all():
            raise ValueError("ChromosomeHoldout: every sample lies on the test chromosomes; "
                             "nothing is left to train on.")
        yield test

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return 1


@dataclass(frozen=True)
class PeakDataset:
    """Bound windows (label 1) and unbound ones (label 0), with coordinates."""

    X: np.ndarray
    """ndarray of str, shape (n,)"""
    y: np.ndarray
    chrom: np.ndarray
    """Chromosome of each window: ``groups`` for :class:`ChromosomeHoldout`.
    A shuffled negative carries its peak's coordinates."""
    start: np.ndarray
    end: np.ndarray
    name: np.ndarray
    report: WindowReport
    """What happened to the peaks on their way to windows."""
    negatives: str


def load_peak_dataset(
    peaks: str | os.PathLike | Peaks,
    genome: object,
    *,
    width: int = 101,
    centre: str = "summit",
    off_end: str = "skip",
    max_n_fraction: float = 0.1,
    negatives: str = "shuffle",
    random_state: int | None = 0,
) -> PeakDataset:
    """Peaks on a genome as a labelled data set.

    Bound: :func:`peak_windows`. Unbound (``negatives``): ``"shuffle"``, a
    dinucleotide shuffle of each bound window (DeepBind's and this package's
    default: same composition, no motif); ``"flank"`` or ``"gc"``, windows
    of the same genome (:func:`background_windows`). Seeded by
    ``random_state``. Train on both strands with the estimators'
    ``reverse_complement``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rng = np.random.RandomState(0)
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "".join(rng.choice(list("ACGT"), 3000)) + "\\n")
    >>> _ = (folder / "p.bed").write_text("chr1\\t1000\\t1200\\nchr1\\t2000\\t2100\\n")
    >>> data = load_peak_dataset(folder / "p.bed", folder / "g.fa")
    >>> data.y.tolist(), data.chrom.tolist()
    ([1, 1, 0, 0], ['chr1', 'chr1', 'chr1', 'chr1'])
    """
    from .shuffle import dinucleotide_shuffle

    check_parameter("load_peak_dataset", "negatives", negatives, [Options(("shuffle",) + BACKGROUNDS)])
    table = peaks if isinstance(peaks, Peaks) else read_peaks(peaks)
    fasta = open_genome(genome)
    bound = peak_windows(table, fasta, width=width, centre=centre, off_end=off_end,
                         max_n_fraction=max_n_fraction)
    if len(bound) == 0:
        raise ValueError(f"no peak window could be cut from the genome: {bound.report}.")
    if negatives == "shuffle":
        unbound = Windows(dinucleotide_shuffle(bound.sequences, random_state=random_state),
                          bound.chrom, bound.start, bound.end,
                          np.char.add(bound.name.astype(str), "_shuffled"), bound.report)
    else:
        unbound = background_windows(bound, fasta, method=negatives,
                                     max_n_fraction=max_n_fraction, random_state=random_state)
        if len(unbound) == 0:
            raise ValueError(
                f"no {negatives} background window could be drawn for {len(bound)} peak windows "
                "(every candidate overlapped a peak, ran off a chromosome or held too many N); "
                "use negatives='shuffle' or 'gc'" + (", or peaks further apart"
                                                     if negatives == "flank" else ""))
        if len(unbound) < len(bound):
            warnings.warn(f"{negatives} background: {len(unbound)} windows drawn for "
                          f"{len(bound)} peak windows; the classes are unbalanced.", stacklevel=2)
    return PeakDataset(
        np.concatenate([bound.sequences, unbound.sequences]),
        np.r_[np.ones(len(bound), dtype=int), np.zeros(len(unbound), dtype=int)],
        np.concatenate([bound.chrom, unbound.chrom]),
        np.concatenate([bound.start, unbound.start]),
        np.concatenate([bound.end, unbound.end]),
        np.concatenate([bound.name.astype(str), unbound.name.astype(str)]),
        bound.report, negatives)


def predict_peaks(
    estimator: object,
    peaks: str | os.PathLike | Peaks,
    genome: object,
    out: str | os.PathLike,
    *,
    width: int = 101,
    centre: str = "summit",
    off_end: str = "skip",
    max_n_fraction: float = 0.1,
    batch_size: int = 10_000,
) -> Windows:
    """Score each peak's window with a fitted classifier and write a
    bedGraph (``chrom start end p(bound)``, the windows' coordinates).

    Returns the windows (with the report of the intervals skipped).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_demo import KmerClassifier
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
    from ._atomic import atomic_path

    table = peaks if isinstance(peaks, Peaks) else read_peaks(peaks)
    windows = peak_windows(table, genome, width=width, centre=centre, off_end=off_end,
                           max_n_fraction=max_n_fraction)
    with atomic_path(out) as tmp, open(tmp, "w") as handle:
        for first in range(0, len(windows), batch_size):
            part = slice(first, first + batch_size)
            proba = estimator.predict_proba(windows.sequences[part])[:, 1]  # classes_[1]
            for chrom, start, end, p in zip(windows.chrom[part], windows.start[part].tolist(),
                                            windows.end[part].tolist(), proba.tolist()):
                handle.write(f"{chrom}\t{max(0, start)}\t{end}\t{p:.6g}\n")
    return windows


def explain_peaks(
    explainer: object,
    peaks: str | os.PathLike | Peaks | Windows,
    genome: object,
    out: str | os.PathLike,
    *,
    width: int = 101,
    centre: str = "summit",
    batch_size: int = 1000,
) -> Windows:
    """Per-base attributions of each peak's window, in genome coordinates.

    ``explainer`` is a fitted :class:`~sklearn_demo.SaliencyExplainer` (any
    transformer of sequences to (n, 4, L) attributions). ``out`` by its
    extension:

    * ``.npz``: ``attributions`` (n, 4, width) float32, rows A, C, G, T, and
      each window's ``chrom``, ``start``, ``end``, ``name`` (0-based, end
      excluded; documented here, read with ``numpy.load``);
    * ``.bw`` / ``.bigWig``: one value per base, the attribution of the base
      present there (``pyBigWig``); where windows overlap, their mean.

    ``peaks`` may also be the :class:`Windows` already cut (e.g. by
    :func:`predict_peaks`), which are then used as they are. Returns the
    windows (with the report of intervals skipped).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn_demo import CNNClassifier, SaliencyExplainer
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
    from ._atomic import atomic_path
    from .encoding import one_hot_encode

    suffix = os.fspath(out).lower().rsplit(".", 1)[-1]
    if suffix not in ("npz", "bw", "bigwig"):
        raise ValueError(f"explain_peaks writes .npz or .bw/.bigWig files; got {out!r}.")
    fasta = open_genome(genome)
    if isinstance(peaks, Windows):
        windows = peaks
    else:
        table = peaks if isinstance(peaks, Peaks) else read_peaks(peaks)
        windows = peak_windows(table, fasta, width=width, centre=centre)
    if len(windows):
        width = int(windows.end[0] - windows.start[0])
    attributions = np.empty((len(windows), 4, width), dtype=np.float32)
    for first in range(0, len(windows), batch_size):
        part = slice(first, first + batch_size)
        attributions[part] = explainer.transform(windows.sequences[part])
    if suffix == "npz":
        with atomic_path(out, suffix=".npz") as tmp:
            np.savez_compressed(tmp, attributions=attributions, chrom=windows.chrom.astype(str),
                                start=windows.start, end=windows.end,
                                name=windows.name.astype(str))
        return windows
    present = (attributions * one_hot_encode(windows.sequences)).sum(axis=1)
    _write_bigwig(out, fasta, windows, present)
    return windows


def _write_bigwig(out, fasta, windows: Windows, values: np.ndarray) -> None:
    """One value per base (mean over overlapping windows), sorted, per chromosome."""
    import pyBigWig

    from ._atomic import atomic_path

    chromosomes = list(dict.fromkeys(windows.chrom.tolist()))
    with atomic_path(out, suffix=".bw") as tmp:
        track = pyBigWig.open(str(tmp), "w")
        try:
            track.addHeader([(c, len(fasta[c])) for c in chromosomes])
            for chrom in chromosomes:
                rows = np.flatnonzero(windows.chrom == chrom)
                positions = (windows.start[rows, None] + np.arange(values.shape[1])).ravel()
                flat = values[rows].ravel().astype(np.float64)
                inside = (positions >= 0) & (positions < len(fasta[chrom]))
                unique, inverse = np.unique(positions[inside], return_inverse=True)
                mean = (np.bincount(inverse, weights=flat[inside])
                        / np.bincount(inverse)).tolist()
                if _contiguous(unique):
                    track.addEntries(chrom, int(unique[0]), values=mean, span=1, step=1)
                elif len(unique):
                    track.addEntries([chrom] * len(unique), unique.tolist(),
                                     ends=(unique + 1).tolist(), values=mean)
        finally:
            track.close()


def _contiguous(positions: np.ndarray) -> bool:
    return len(positions) > 0 and positions[-1] - positions[0] == len(positions) - 1


def predict_tiles(
    estimator: object,
    genome: str | os.PathLike,
    out: str | os.PathLike,
    *,
    chromosomes: Sequence[str] | None = None,
    width: int = 101,
    step: int | None = None,
    max_n_fraction: float = 0.1,
    batch_size: int = 10_000,
    n_jobs: int | None = None,
) -> int:
    """Score a genome (or ``chromosomes`` of it) in tiles of ``width`` bases
    every ``step`` (default ``width``) and write a bedGraph of p(bound): each
    tile's value on the ``step`` bases at its centre, so rows never overlap.
    Tiles with more than ``max_n_fraction`` N are left out.

    Streams ``batch_size`` tiles at a time in bounded memory, with a progress
    bar; batches run through joblib (``n_jobs``, or a Dask or Ray cluster
    inside ``joblib.parallel_config``), written in genome order. Returns the
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
    from ._atomic import atomic_path
    from ._batches import map_batches

    step = width if step is None else step
    check_parameter("predict_tiles", "width", width, [Interval(Integral, 1, None)])
    check_parameter("predict_tiles", "step", step, [Interval(Integral, 1, None)])
    fasta = open_genome(genome)
    names = list(fasta.keys()) if chromosomes is None else list(chromosomes)
    missing = [name for name in names if name not in fasta]
    if missing:
        raise ValueError(f"chromosomes not in the genome: {missing[:5]}.")
    tiles = ((name, start) for name in names
             for start in range(0, len(fasta[name]) - width + 1, step))
    task = partial(_score_tiles, estimator, os.fspath(genome), width=width,
                   max_n_fraction=max_n_fraction)
    total = sum((len(fasta[name]) - width) // step + 1 for name in names
                if len(fasta[name]) >= width)
    margin = (width - step) // 2
    written = 0
    with atomic_path(out) as tmp, open(tmp, "w") as handle:
        for kept, proba in map_batches(task, tiles, batch_size, n_jobs=n_jobs, desc="tiles",
                                       total=-(-total // batch_size)):
            for (chrom, start), p in zip(kept, proba.tolist()):
                handle.write(f"{chrom}\t{start + margin}\t{start + margin + min(step, width)}"
                             f"\t{p:.6g}\n")
            written += len(kept)
    return written


def _score_tiles(estimator, genome, tiles, width: int, max_n_fraction: float):
    """(kept tiles, p(bound)) of one batch; opens the genome in the worker."""
    fasta = open_genome(genome)
    kept, sequences = [], []
    for chrom, start in tiles:
        sequence = fasta[chrom][start:start + width]
        if sequence.count("N") <= max_n_fraction * width:
            kept.append((chrom, start))
            sequences.append(sequence)
    proba = (estimator.predict_proba(np.array(sequences))[:, 1] if sequences
             else np.empty(0))
    return kept, proba


def write_pseudo_genome(
    peaks: Mapping[str, Sequence[str]],
    fasta: str | os.PathLike,
    bed: str | os.PathLike,
    *,
    flank: int = 150,
    random_state: int | np.random.RandomState | None = 0,
) -> None:
    """Lay known peak sequences into chromosomes and write their coordinates,
    for tests and benchmarks where no genome can be downloaded.

    Chromosome ``name`` is every sequence of ``peaks[name]``, each between
    ``flank``-long dinucleotide shuffles of itself (same composition, no
    motif); ``bed`` gets one narrowPeak line per peak, its summit at the
    peak's centre. Windows of the peaks' width centred on the summits are
    the peaks again.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_pseudo_genome({"chr1": ["ACGTACGTAC", "GGGCCCAAAT"]}, folder / "g.fa",
    ...                     folder / "p.narrowPeak", flank=5)
    >>> peak_windows(read_peaks(folder / "p.narrowPeak"), folder / "g.fa", width=10).sequences.tolist()
    ['ACGTACGTAC', 'GGGCCCAAAT']
    """
    from ._atomic import atomic_path
    from .shuffle import dinucleotide_shuffle

    rng = check_random_state(random_state)
    lines, chromosomes = [], {}
    for chrom, sequences in peaks.items():
        parts, offset = [], 0
        for sequence in sequences:
            repeats = -(-2 * flank // len(sequence)) + 1
            around = dinucleotide_shuffle([sequence * repeats], random_state=rng)[0]
            left, right = around[:flank], around[flank:2 * flank]
            start = offset + flank
            parts.append(left + sequence + right)
            lines.append(f"{chrom}\t{start}\t{start + len(sequence)}\t{chrom}_{len(lines)}\t0\t.\t"
                         f"0\t-1\t-1\t{len(sequence) // 2}\n")
            offset += 2 * flank + len(sequence)
        chromosomes[chrom] = "".join(parts)
    with atomic_path(fasta) as tmp, open(tmp, "w") as handle:
        for chrom, sequence in chromosomes.items():
            handle.write(f">{chrom}\n")
            handle.writelines(sequence[i:i + 60] + "\n" for i in range(0, len(sequence), 60))
    with atomic_path(bed) as tmp:
        tmp.write_text("".join(lines))
