"""Many peak sets on one genome as one multi-task data set: genome bins
labelled by each set's peaks (DeepSEA's rule), with the windows around them."""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from .._validation import Interval, Options, check_parameter
from ..io import open_text
from .intervals import Peaks, read_peaks
from .reference import fetch_bases, open_genome
from .stream import GenomeWindowDataset
from .windows import OFF_END, WindowReport, gc_bins, gc_fraction

#: How background (all-zero) bins are drawn from the genome.
TASK_BACKGROUNDS = ("random", "gc")
_PEAK_SUFFIXES = (".gz", ".bed", ".narrowPeak", ".broadPeak", ".bedGraph")


@dataclass(frozen=True)
class TaskWindows:
    """Windows of a genome with one 0/1 label per task (peak set).

    ``chrom`` is the ``groups`` argument of
    :class:`~sklearn_demo.genome.ChromosomeHoldout`; :meth:`sequences` reads
    the windows into memory, :meth:`dataset` streams them.
    """

    chrom: np.ndarray
    start: np.ndarray
    """0-based start of each window (negative where padded)."""
    end: np.ndarray
    labels: np.ndarray
    """uint8, shape (n, n_tasks): 1 where the central bin is bound."""
    tasks: list[str]
    genome: str
    report: WindowReport
    """What happened to the candidate bins (skipped, padded, blacklisted)."""
    n_background: int = 0
    """Background bins drawn (the last rows; all-zero labels)."""

    def __len__(self) -> int:
        return len(self.start)

    @property
    def width(self) -> int:
        return int(self.end[0] - self.start[0]) if len(self) else 0

    def dataset(self, index: object = slice(None)) -> GenomeWindowDataset:
        """The windows (``index``: a subset, e.g. a split's) as a torch
        dataset that reads them from the genome while training."""
        return GenomeWindowDataset(self.genome, self.chrom[index], self.start[index],
                                   self.labels[index], width=self.width, tasks=self.tasks)

    def sequences(self, index: object = slice(None)) -> np.ndarray:
        """The windows' bases (``index``: a subset), ndarray of str."""
        windows = self.dataset(index)
        return np.array([windows.sequence(i) for i in range(len(windows))],
                        dtype=f"<U{self.width}")


def read_tracks(path: str | os.PathLike) -> tuple[list[str], list[str]]:
    """Task names and peak files from a tab-separated table, one task per
    line: ``name<TAB>path`` (relative paths from the table's folder; lines
    starting with # are comments).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "tracks.tsv").write_text("# name\\tpath\\nCTCF\\tctcf.bed\\n")
    >>> names, paths = read_tracks(folder / "tracks.tsv")
    >>> names, pathlib.Path(paths[0]).name
    (['CTCF'], 'ctcf.bed')
    """
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    names, paths = [], []
    with open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 2 or not fields[0] or not fields[1]:
                raise ValueError(f"{os.fspath(path)!r} line {number}: expected "
                                 f"'name<TAB>path', got {line.rstrip()!r}.")
            names.append(fields[0])
            paths.append(os.path.join(folder, fields[1]))
    if not names:
        raise ValueError(f"{os.fspath(path)!r} names no track.")
    return names, paths


def task_name(path: str | os.PathLike) -> str:
    """A task's name from its peak file's name, without BED-like suffixes.

    Examples
    --------
    >>> task_name("data/K562_CTCF.narrowPeak.gz")
    'K562_CTCF'
    """
    name = os.path.basename(os.fspath(path))
    while name.endswith(_PEAK_SUFFIXES):
        name = name[: name.rindex(".")]
    return name


class _Coverage:
    """Bases of [a, b) covered by a set of intervals, per chromosome, by
    prefix sums over the merged intervals."""

    def __init__(self, peaks: Peaks):
        self._merged: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for chrom in np.unique(peaks.chrom):
            mine = peaks.chrom == chrom
            order = np.argsort(peaks.start[mine], kind="stable")
            starts, ends = peaks.start[mine][order], peaks.end[mine][order]
            reach = np.maximum.accumulate(ends)
            new = np.r_[True, starts[1:] > reach[:-1]]
            group = np.cumsum(new) - 1
            merged_start = starts[new]
            merged_end = np.zeros(len(merged_start), dtype=np.int64)
            np.maximum.at(merged_end, group, ends)
            self._merged[chrom] = (merged_start, merged_end,
                                   np.cumsum(merged_end - merged_start))

    def covered(self, chrom: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if chrom not in self._merged:
            return np.zeros(len(a), dtype=np.int64)
        return self._before(chrom, b) - self._before(chrom, a)

    def _before(self, chrom: str, x: np.ndarray) -> np.ndarray:
        """Covered bases left of each position in ``x``."""
        starts, ends, total = self._merged[chrom]
        i = np.searchsorted(starts, x, side="right") - 1
        inside = np.where(i >= 0, total[np.maximum(i, 0)], 0)
        overshoot = np.where(i >= 0, np.maximum(ends[np.maximum(i, 0)] - x, 0), 0)
        return inside - overshoot


def task_windows(
    peaks: Sequence[str | os.PathLike | Peaks],
    genome: str | os.PathLike,
    *,
    tasks: Sequence[str] | None = None,
    bin_size: int = 200,
    width: int = 1000,
    min_overlap: float = 0.5,
    background: str | None = "random",
    background_ratio: float = 1.0,
    n_gc_bins: int = 20,
    blacklist: str | os.PathLike | Peaks | None = None,
    off_end: str = "skip",
    max_n_fraction: float = 0.1,
    random_state: int | np.random.RandomState | None = 0,
) -> TaskWindows:
    """Windows of a genome labelled by N peak sets at once, DeepSEA's way.

    The genome is cut into ``bin_size`` bins; every bin that touches a peak
    of any set is a candidate. A bin is positive for a task when at least
    ``min_overlap`` of it is covered by that task's peaks (DeepSEA: half of
    a 200-bp bin), else 0, and its window is the ``width`` bases around the
    bin's centre (DeepSEA: 1,000). Background bins (all-zero rows) are drawn
    from the rest of the genome, ``background_ratio`` per candidate bin, at
    random or matched to the candidates' GC content (``background="gc"``,
    ``n_gc_bins`` bins of GC fraction); None draws none.

    Skipped, never silently (counts in ``report``): bins on chromosomes the
    genome lacks; windows off a chromosome end (``off_end="skip"``, or
    ``"pad"`` with N); windows with more than ``max_n_fraction`` N; windows
    overlapping a ``blacklist`` region (a BED file, e.g. ENCODE's).

    Read more in the :doc:`User Guide </guide/data>`.

    Parameters
    ----------
    peaks : sequence of path or Peaks
        One BED/narrowPeak file (or table) per task.
    genome : path
        Genome FASTA (indexed on first use).
    tasks : sequence of str, default=None
        Task names; None takes the file names (without suffixes).

    Returns
    -------
    TaskWindows

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> bases = "".join(np.random.RandomState(0).choice(list("ACGT"), 5000))
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + bases + "\\n")
    >>> _ = (folder / "ctcf.bed").write_text("chr1\\t1000\\t1200\\n")
    >>> _ = (folder / "dnase.bed").write_text("chr1\\t1150\\t1500\\n")
    >>> data = task_windows([folder / "ctcf.bed", folder / "dnase.bed"], folder / "g.fa",
    ...                     width=400, background=None)
    >>> data.tasks, data.start.tolist(), data.labels.tolist()
    (['ctcf', 'dnase'], [900, 1100, 1300], [[1, 0], [0, 1], [0, 1]])
    """
    owner = "task_windows"
    check_parameter(owner, "bin_size", bin_size, [Interval(Integral, 1, None)])
    check_parameter(owner, "width", width, [Interval(Integral, 1, None)])
    check_parameter(owner, "min_overlap", min_overlap, [Interval(Real, 0, 1, closed="right")])
    check_parameter(owner, "background", background, [Options(TASK_BACKGROUNDS), None])
    check_parameter(owner, "background_ratio", background_ratio, [Interval(Real, 0, None)])
    check_parameter(owner, "off_end", off_end, [Options(OFF_END)])
    check_parameter(owner, "max_n_fraction", max_n_fraction, [Interval(Real, 0, 1)])
    if not len(peaks):
        raise ValueError(f"{owner}: give at least one peak file.")
    names = list(tasks) if tasks is not None else [
        "peaks_%d" % i if isinstance(p, Peaks) else task_name(p) for i, p in enumerate(peaks)]
    if len(names) != len(peaks) or len(set(names)) != len(names):
        raise ValueError(f"{owner}: need one unique task name per peak file; got {names} for "
                         f"{len(peaks)} files.")
    tables = [p if isinstance(p, Peaks) else read_peaks(p) for p in peaks]
    coverage = [_Coverage(t) for t in tables]
    banned = None if blacklist is None else _Coverage(
        blacklist if isinstance(blacklist, Peaks) else read_peaks(blacklist))
    fasta = open_genome(genome)
    rng = check_random_state(random_state)

    candidates = _candidate_bins(tables, bin_size)
    report = WindowReport(n_intervals=sum(len(b) for b in candidates.values()), kept=0)
    unknown = [c for c in candidates if c not in fasta]
    report.unknown_chromosome = sum(len(candidates.pop(c)) for c in unknown)
    report.unknown_names = unknown
    chroms, starts, label_rows, gcs = [], [], [], []
    for chrom, bins in candidates.items():
        size = len(fasta[chrom])
        bins = bins[bins * bin_size < size]
        keep, gc = _usable(fasta, chrom, size, bins, bin_size, width, off_end, max_n_fraction,
                           banned, report)
        bins = bins[keep]
        gcs.append(gc[keep])
        a, b = bins * bin_size, np.minimum(bins * bin_size + bin_size, size)
        need = min_overlap * (b - a)
        label_rows.append(np.column_stack([c.covered(chrom, a, b) >= need
                                           for c in coverage]).astype(np.uint8))
        chroms += [chrom] * len(bins)
        starts.append(a + bin_size // 2 - width // 2)
    start = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    report.kept = len(start)
    labels = (np.concatenate(label_rows) if label_rows
              else np.zeros((0, len(tables)), dtype=np.uint8))
    chrom = np.array(chroms, dtype=object)
    if background is not None and len(start):
        extra_chrom, extra_start = _background_bins(
            fasta, chrom, start, np.concatenate(gcs), coverage, banned, rng, method=background,
            n_wanted=int(round(background_ratio * len(start))), bin_size=bin_size, width=width,
            max_n_fraction=max_n_fraction, n_gc_bins=n_gc_bins)
        chrom = np.concatenate([chrom, extra_chrom])
        start = np.concatenate([start, extra_start])
        labels = np.concatenate([labels, np.zeros((len(extra_start), len(tables)), np.uint8)])
    if not len(start):
        raise ValueError(f"{owner}: no window could be cut from the genome: {report}.")
    return TaskWindows(chrom.astype(str), start, start + width, labels, names,
                       os.fspath(genome), report, len(start) - report.kept)


def _candidate_bins(tables: list[Peaks], bin_size: int) -> dict[str, np.ndarray]:
    """Sorted indices of the bins that touch a peak of any set, per chromosome."""
    found: dict[str, list[np.ndarray]] = {}
    for table in tables:
        first, last = table.start // bin_size, (table.end - 1) // bin_size
        for chrom in np.unique(table.chrom):
            mine = table.chrom == chrom
            spans = [np.arange(f, l + 1) for f, l in zip(first[mine], last[mine])]
            found.setdefault(chrom, []).extend(spans)
    return {chrom: np.unique(np.concatenate(spans)) for chrom, spans in found.items()}


def _usable(fasta, chrom: str, size: int, bins: np.ndarray, bin_size: int, width: int,
            off_end: str, max_n_fraction: float, banned: _Coverage | None,
            report: WindowReport) -> tuple[np.ndarray, np.ndarray]:
    """Which bins' windows are kept, and the GC fraction of each window read
    (NaN where none was); counts what is skipped into ``report``."""
    starts = bins * bin_size + bin_size // 2 - width // 2
    keep = np.ones(len(bins), dtype=bool)
    gc = np.full(len(bins), np.nan)
    off = (starts < 0) | (starts + width > size)
    if off_end == "skip":
        keep &= ~off
        report.off_end += int(off.sum())
    else:
        report.padded += int(off.sum())
    if banned is not None:
        hit = keep & (banned.covered(chrom, starts, starts + width) > 0)
        keep &= ~hit
        report.blacklisted += int(hit.sum())
    for i in np.flatnonzero(keep):
        bases = fetch_bases(fasta, chrom, int(starts[i]), int(starts[i]) + width)
        if bases.count("N") > max_n_fraction * width:
            keep[i] = False
            report.n_rich += 1
        else:
            gc[i] = gc_fraction([bases])[0]
    return keep, gc


def _background_bins(fasta, chrom: np.ndarray, start: np.ndarray, gc: np.ndarray,
                     coverage: list[_Coverage],
                     banned: _Coverage | None, rng: np.random.RandomState, *, method: str,
                     n_wanted: int, bin_size: int, width: int, max_n_fraction: float,
                     n_gc_bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Bins touching no peak of any task nor the blacklist, drawn on the
    candidates' chromosomes in proportion to their candidates (and, with
    ``method="gc"``, to their GC bins; ``gc``: each candidate window's GC
    fraction)."""
    taken = set(zip(chrom.tolist(), start.tolist()))
    out_chrom, out_start = [], []
    for name in np.unique(chrom):
        mine = start[chrom == name]
        share = int(round(n_wanted * len(mine) / len(start)))
        if method == "gc":
            wanted = np.bincount(gc_bins(gc[chrom == name], n_gc_bins), minlength=n_gc_bins)
            wanted = np.round(wanted * share / max(1, len(mine))).astype(int)
        else:
            wanted = np.array([share])
        size = len(fasta[name])
        n_bins = (size - width) // bin_size
        for _attempt in range(50 * int(wanted.sum()) + 100):
            if not wanted.any() or n_bins < 1:
                break
            s = int(rng.randint(0, n_bins)) * bin_size + bin_size // 2 - width // 2
            if s < 0 or (name, s) in taken:
                continue
            a, b = np.array([s]), np.array([s + width])
            if any(c.covered(name, a, b)[0] for c in coverage) or (
                    banned is not None and banned.covered(name, a, b)[0]):
                continue
            bases = fetch_bases(fasta, name, s, s + width)
            if bases.count("N") > max_n_fraction * width:
                continue
            slot = int(gc_bins(gc_fraction([bases]), n_gc_bins)[0]) if method == "gc" else 0
            if wanted[slot]:
                wanted[slot] -= 1
                taken.add((name, s))
                out_chrom.append(name)
                out_start.append(s)
    return np.array(out_chrom, dtype=object), np.array(out_start, dtype=np.int64)
