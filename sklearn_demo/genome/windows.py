"""Fixed-width windows of a genome: around peaks, and unbound backgrounds
from the same genome."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from .._validation import Interval, Options, check_parameter
from .intervals import Peaks
from .reference import fetch_bases, open_genome

CENTRES = ("summit", "centre")
OFF_END = ("skip", "pad")
BACKGROUNDS = ("flank", "gc")


@dataclass
class WindowReport:
    """What happened to each interval on its way to a window."""

    n_intervals: int
    kept: int
    unknown_chromosome: int = 0
    off_end: int = 0
    padded: int = 0
    n_rich: int = 0
    blacklisted: int = 0
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
        if self.blacklisted:
            parts.append(f"{self.blacklisted} skipped overlapping the blacklist")
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


def gc_fraction(sequences: Sequence[str]) -> np.ndarray:
    """G+C over known (non-N) bases of each sequence."""
    return np.array([(s.count("G") + s.count("C")) / max(1, len(s) - s.count("N"))
                     for s in sequences])


def gc_bins(fractions: np.ndarray, n_bins: int) -> np.ndarray:
    """The bin (0 .. n_bins - 1) of each GC fraction, for GC-matched draws."""
    return np.minimum((np.asarray(fractions) * n_bins).astype(int), n_bins - 1)


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
        bins = gc_bins(gc_fraction(windows.sequences), n_gc_bins)
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
                gc_bin = int(gc_bins(gc_fraction([sequence]), n_gc_bins)[0])
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
