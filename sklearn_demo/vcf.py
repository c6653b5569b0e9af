"""VCF files in and out through pysam (htslib), as bcftools reads and
writes them: plain, gzip and bgzip input; region queries through a tabix or
CSI index; FILTER; chromosome names that differ from the genome's only by a
"chr" prefix; the effects written back as INFO fields of each input record,
bgzipped and tabix-indexed.

pysam is the field's binding of htslib (the library of samtools, bcftools
and tabix): one dependency reads every VCF flavour, queries indexes, writes
BGZF and builds the index, where cyvcf2 reads and writes but leaves the index
to another tool.
"""
from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._atomic import atomic_path
from .variant_windows import Variant

#: The region syntax of ``--region``: ``chrom``, ``chrom:start-end`` (1-based, inclusive).
_REGION = re.compile(r"^(?P<chrom>[^:]+)(?::(?P<start>[\d,]+)-(?P<end>[\d,]+))?$")


def matching_chromosome(name: str, names: Iterable[str]) -> str | None:
    """``name`` if it is in ``names``, else the name in ``names`` that
    differs from it only by a leading "chr" (``1`` and ``chr1``), else None.

    Examples
    --------
    >>> matching_chromosome("1", ["chr1", "chr2"]), matching_chromosome("chrX", ["X"])
    ('chr1', 'X')
    >>> matching_chromosome("chrUn", ["1"]) is None
    True
    """
    names = names if isinstance(names, (set, frozenset, Mapping)) else set(names)
    if name in names:
        return name
    other = name[3:] if name.lower().startswith("chr") else "chr" + name
    return other if other in names else None


def _is_plain_gzip(path: Path) -> bool:
    """Gzip but not BGZF (whose first block's header carries a "BC" field)."""
    with open(path, "rb") as handle:
        head = handle.read(18)
    return head[:2] == b"\x1f\x8b" and not (head[3] & 4 and head[12:14] == b"BC")


@dataclass
class VcfInput:
    """What was read beside the alleles: records set aside by FILTER, and
    chromosome names matched across a "chr" prefix (VCF name -> genome name)."""

    filtered: int = 0
    renamed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """One line each: a gzip (not bgzip) file read through a copy, a region's
    chromosome named as the VCF names it."""


class VcfReader:
    """The records of a VCF, or of its regions, one at a time.

    Parameters
    ----------
    path : path
        A VCF, plain, gzip or bgzip (``.vcf``, ``.vcf.gz``); a BCF also.
    region : str, optional
        ``chrom`` or ``chrom:start-end`` (1-based, inclusive, as bcftools and
        samtools write it); needs a bgzipped, indexed file (``.tbi`` or
        ``.csi``).
    regions : path, optional
        A BED file of regions (0-based, end excluded), read in its order;
        overlapping regions are merged and a record that overlaps two is read
        once. Needs the index too. A region's chromosome named ``1`` is read
        as the VCF's ``chr1`` (or the reverse) when only that differs.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "v.vcf"
    >>> _ = path.write_text("##fileformat=VCFv4.2\\n##contig=<ID=1>\\n"
    ...     "#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\n1\\t5\\trs1\\tA\\tG,T\\t.\\tPASS\\t.\\n")
    >>> with VcfReader(path) as reader:
    ...     [(r.chrom, r.pos, r.alts) for r in reader.records()]
    [('1', 5, ('G', 'T'))]
    """

    def __init__(self, path: str | os.PathLike, *, region: str | None = None,
                 regions: str | os.PathLike | None = None):
        self.path = Path(path)
        self.region = region
        self.regions = regions
        self.input = VcfInput()
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> VcfReader:
        import pysam

        if not self.path.is_file():
            raise FileNotFoundError(f"VCF {str(self.path)!r} does not exist.")
        path = self.path
        if _is_plain_gzip(path):
            if self.region or self.regions:
                raise ValueError(f"{self.path}: region queries need a bgzip-compressed, indexed "
                                 f"VCF; this one is gzip. Run: zcat {self.path} | bgzip > "
                                 f"calls.vcf.gz && tabix -p vcf calls.vcf.gz")
            path = self._stack.enter_context(_decompressed(path))
            self.input.notes.append(f"{self.path} is gzip, not bgzip: read through a "
                                    f"temporary copy (bgzip it for region queries)")
        verbosity = pysam.set_verbosity(0)  # htslib's warnings: our errors say it once
        self._stack.callback(pysam.set_verbosity, verbosity)
        try:
            self.file = self._stack.enter_context(pysam.VariantFile(str(path)))
        except (ValueError, OSError) as exc:
            self._stack.close()
            raise ValueError(f"{self.path} is not a VCF that htslib can read (it needs the "
                             f"'##fileformat' and tab-separated '#CHROM POS ID REF ALT QUAL "
                             f"FILTER INFO' header lines): {exc}") from None
        if (self.region or self.regions) and self.file.index is None:
            self._stack.close()
            raise ValueError(f"{self.path}: region queries need an index (.tbi or .csi) beside "
                             f"the bgzipped VCF; run: tabix -p vcf {self.path}")
        return self

    def __exit__(self, *exc_info) -> bool:
        return self._stack.__exit__(*exc_info)

    @property
    def header(self):
        """The input's pysam ``VariantHeader``."""
        return self.file.header

    def _contig(self, name: str) -> str:
        """The VCF's own name for a region's chromosome ``name``."""
        known = set(self.file.header.contigs) | set(self.file.index or ())
        match = matching_chromosome(name, known)
        if match is None:
            raise ValueError(f"{self.path}: region chromosome {name!r} is not in the VCF "
                             f"(its chromosomes: {', '.join(sorted(known)[:8])}...).")
        if match != name:
            self.input.notes.append(f"region chromosome {name} read as the VCF's {match}")
        return match

    def _intervals(self) -> list[tuple[str, int, int | None]]:
        """(contig, start, end) to fetch, 0-based, end excluded, merged."""
        if self.region is not None:
            m = _REGION.match(self.region.strip())
            if m is None:
                raise ValueError(f"region {self.region!r}: write it chrom or chrom:start-end "
                                 f"(1-based, inclusive), e.g. chr1:1-1000000.")
            start = int(m["start"].replace(",", "")) - 1 if m["start"] else 0
            end = int(m["end"].replace(",", "")) if m["end"] else None
            if end is not None and end <= start:
                raise ValueError(f"region {self.region!r}: its end is before its start.")
            return [(self._contig(m["chrom"]), start, end)]
        rows = []
        with open(self.regions) as handle:
            for number, line in enumerate(handle, start=1):
                fields = line.split()
                if not fields or fields[0].startswith(("#", "track", "browser")):
                    continue
                try:
                    rows.append((fields[0], int(fields[1]), int(fields[2])))
                except (IndexError, ValueError):
                    raise ValueError(f"{self.regions}, line {number}: a BED line needs chrom, "
                                     f"start and end (integers).") from None
        order = {name: i for i, name in enumerate(dict.fromkeys(r[0] for r in rows))}
        merged: list[list] = []
        for chrom, start, end in sorted(rows, key=lambda r: (order[r[0]], r[1])):
            if merged and merged[-1][0] == chrom and start <= merged[-1][2]:
                merged[-1][2] = max(merged[-1][2], end)
            else:
                merged.append([chrom, start, end])
        contigs = {chrom: self._contig(chrom) for chrom in order}
        return [(contigs[chrom], start, end) for chrom, start, end in merged]

    def records(self) -> Iterator:
        """Every record (pysam ``VariantRecord``) of the file or its regions,
        in the file's (or the regions') order, each once."""
        if self.region is None and self.regions is None:
            fetched: Iterable = self.file
        else:
            fetched = self._fetch_all(self._intervals())
        number = 0
        try:
            for record in fetched:
                number += 1
                yield record
        except OSError as exc:
            raise ValueError(f"{self.path}: record {number + 1} (counting from the first "
                             f"after the header) could not be read by htslib ({exc}); check "
                             f"its POS (an integer), REF and ALT.") from None

    def _fetch_all(self, intervals) -> Iterator:
        previous = None
        for contig, start, end in intervals:
            for record in self.file.fetch(contig, start, end):
                # read once: a record that reached into the previous region came with it
                if previous and previous[0] == contig and record.start < previous[2]:
                    continue
                yield record
            previous = (contig, start, end if end is not None else np.inf)


def passes(record) -> bool:
    """FILTER is PASS or missing (``.``)."""
    keys = list(record.filter.keys())
    return not keys or keys == ["PASS"]


def record_alleles(record) -> list[Variant]:
    """One :class:`~sklearn_demo.variant_windows.Variant` per ALT of a pysam
    record (a record without ALT gives one, ``.``)."""
    alts = record.alts or (".",)
    return [Variant(record.chrom, record.pos, record.id or ".", record.ref.upper(),
                    alt.upper()) for alt in alts]


@contextlib.contextmanager
def _decompressed(path: Path) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="sklearn_demo_vcf_"))
    try:
        target = folder / path.name.removesuffix(".gz")
        with gzip.open(path, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _info_text(text: str) -> str:
    """A string INFO value: ``.`` when empty; whitespace, ``,``, ``;`` and
    ``=`` (which VCF keeps for its own syntax) as ``_``."""
    return re.sub(r"[\s,;=]", "_", text) if text else "."


def info_id(text: str) -> str:
    """A valid VCF INFO ID from ``text`` (a task's name): characters other
    than letters, digits, ``_`` and ``.`` become ``_``.

    Examples
    --------
    >>> info_id("CTCF+GABPA"), info_id("3prime")
    ('CTCF_GABPA', '_3prime')
    """
    out = re.sub(r"[^0-9A-Za-z_.]", "_", text)
    return out if re.match(r"[A-Za-z_]", out) else "_" + out


class AnnotatedVcfWriter:
    """Each input record written back with the effects of its ALT alleles as
    INFO fields (``Number=A``: one value per ALT, ``.`` where not scored;
    ``KIND`` and ``STATUS`` one per ALT), declared in the header; the rest of
    the record as it was. A path ending ``.gz`` (or ``.bgz``) is written
    bgzipped (BGZF) and tabix-indexed (``.tbi`` beside it). Atomic: nothing
    is left at ``path`` if writing fails.

    Records are written as text: htslib's own record writer ends the process
    on a chromosome the header does not declare, which many VCFs leave out.

    ``fields`` maps each float INFO ID to its description, in the order of
    the values :meth:`write` gets; ``text_fields`` the same for string INFO
    fields (one string per ALT; whitespace, ``,``, ``;`` and ``=`` in them
    are written ``_``).
    """

    def __init__(self, path: str | os.PathLike, header, fields: Mapping[str, str],
                 text_fields: Mapping[str, str] | None = None):
        self.path = Path(path)
        self.fields = dict(fields)
        self.text_fields = dict(text_fields or {})
        self.compressed = self.path.name.endswith((".gz", ".bgz"))
        self._input_header = header
        self._stack = contextlib.ExitStack()

    def _header_text(self) -> str:
        from . import __version__

        ours = ("KIND", "STATUS", *self.fields, *self.text_fields)
        lines = [line for line in str(self._input_header).splitlines()
                 if not any(line.startswith(f"##INFO=<ID={key},") for key in ours)]
        added = [f"##source=sklearn_demo {__version__}",
                 '##INFO=<ID=KIND,Number=.,Type=String,Description="Each ALT\'s kind: snv, '
                 'mnv, insertion, deletion, symbolic, missing or invalid">',
                 '##INFO=<ID=STATUS,Number=.,Type=String,Description="Each ALT: ok (scored) '
                 'or why not: ref_mismatch, unknown_chromosome, off_end, too_long, symbolic, '
                 'missing, invalid_allele or filtered">',
                 *(f'##INFO=<ID={key},Number=A,Type=Float,Description="{text}">'
                   for key, text in self.fields.items()),
                 *(f'##INFO=<ID={key},Number=A,Type=String,Description="{text}">'
                   for key, text in self.text_fields.items())]
        if not lines or not lines[0].startswith("##fileformat"):
            lines.insert(0, "##fileformat=VCFv4.2")
        if not lines[-1].startswith("#CHROM"):
            lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
        return "\n".join(lines[:-1] + added + lines[-1:]) + "\n"

    def __enter__(self) -> AnnotatedVcfWriter:
        suffix = ".vcf.gz" if self.compressed else ".vcf"
        self._tmp = self._stack.enter_context(atomic_path(self.path, suffix=suffix))
        if self.compressed:
            from pysam.libcbgzf import BGZFile

            self._handle = self._stack.enter_context(BGZFile(str(self._tmp), "wb"))
            self._write = lambda text: self._handle.write(text.encode())
        else:
            self._handle = self._stack.enter_context(open(self._tmp, "w"))
            self._write = self._handle.write
        self._write(self._header_text())
        return self

    def write(self, record, kinds: Sequence[str], statuses: Sequence[str],
              values: Sequence[Sequence[float]],
              texts: Sequence[Sequence[str]] = ()) -> None:
        """``record`` (a pysam record, or its VCF line) with its ALTs'
        ``kinds``, ``statuses``, per float field ``values`` and per text
        field ``texts`` (one per ALT; NaN and "" are written ``.``)."""
        fields = str(record).rstrip("\n").split("\t")
        fields += ["."] * (8 - len(fields))
        ours = {"KIND": ",".join(kinds), "STATUS": ",".join(statuses)}
        if fields[4] not in (".", ""):
            ours.update((key, ",".join("." if np.isnan(v) else f"{v:.6g}" for v in column))
                        for key, column in zip(self.fields, values))
            ours.update((key, ",".join(_info_text(v) for v in column))
                        for key, column in zip(self.text_fields, texts))
        kept = [item for item in fields[7].split(";")
                if item not in (".", "") and item.split("=", 1)[0] not in ours]
        fields[7] = ";".join(kept + [f"{key}={value}" for key, value in ours.items()])
        self._write("\t".join(fields) + "\n")

    def __exit__(self, exc_type, *exc_info) -> bool:
        self._handle.close()
        if exc_type is None and self.compressed:
            import pysam

            try:
                pysam.tabix_index(str(self._tmp), preset="vcf", force=True)
            except (OSError, ValueError) as exc:
                self._stack.__exit__(ValueError, None, None)  # removes the temporary
                raise ValueError(f"{self.path}: the records are not sorted by position, so the "
                                 f"file cannot be indexed ({exc}); sort the input (bcftools "
                                 f"sort) or write .vcf") from None
            os.replace(f"{self._tmp}.tbi", f"{self.path}.tbi")
        return self._stack.__exit__(exc_type, *exc_info)


class RecordQueue:
    """The records whose alleles are being scored, in order: ``push`` each
    record with its alleles' count as the reader yields it; ``pop(n)``
    hands back the records that the next ``n`` scored alleles make up (a
    batch holds whole records), each with its slice of them.

    Examples
    --------
    >>> queue = RecordQueue()
    >>> queue.push("a", 2); queue.push("b", 1)
    >>> queue.pop(3)
    [('a', slice(0, 2, None)), ('b', slice(2, 3, None))]
    """

    def __init__(self):
        self._queue: deque = deque()

    def push(self, record, n_alleles: int) -> None:
        self._queue.append((record, n_alleles))

    def pop(self, n: int) -> list[tuple[object, slice]]:
        done, used = [], 0
        while self._queue and used + self._queue[0][1] <= n:
            record, k = self._queue.popleft()
            done.append((record, slice(used, used + k)))
            used += k
        if used != n:
            raise RuntimeError(f"{n} scored alleles do not make up whole records")
        return done
