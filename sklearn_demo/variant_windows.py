"""Alleles and the windows a model scores them in: every kind of small
variant (SNV, MNV, insertion, deletion), each alternative allele of a VCF
line on its own, and a status for every allele that cannot be scored.

The window rules (User Guide, "Variants"), for a model of width ``W``, a
variant at 1-based ``pos`` with alleles ``REF`` and ``ALT`` (VCF's anchor base
included) and ``h = W // 2``:

``"left"`` (the default)
    The reference window is the genome's ``[pos - 1 - h, pos - 1 - h + W)``:
    the first REF base sits at index ``h``. The alternative window is the
    reference window's first ``h`` bases, then ALT, then the genome from
    ``pos - 1 + len(REF)`` onwards, cut or extended to exactly ``W`` bases: a
    deletion pulls in bases from the right flank, an insertion pushes them
    out. For an SNV both windows differ at index ``h`` only.
``"centred"``
    The change is centred in both windows: REF starts at index
    ``(W - len(REF)) // 2`` of the reference window, ALT at index
    ``(W - len(ALT)) // 2`` of the alternative window, each between the
    genome's bases on either side of REF.
"""
from __future__ import annotations

from dataclasses import dataclass

#: The window rules of :func:`allele_windows`.
WINDOW_RULES = ("left", "centred")

#: What an allele is, by its REF and ALT (VCF conventions).
KINDS = ("snv", "mnv", "insertion", "deletion", "symbolic", "missing", "invalid")

#: Why an allele was not scored, beside "ok".
STATUSES = ("ok", "ref_mismatch", "unknown_chromosome", "off_end", "too_long", "symbolic",
            "missing", "invalid_allele", "filtered")

_BASES = frozenset("ACGTN")


@dataclass(frozen=True)
class Variant:
    """One alternative allele of a VCF line (multi-allelic lines give one
    each), as the VCF writes it (REF includes an indel's anchor base).

    Examples
    --------
    >>> Variant("chr1", 145, ".", "G", "GTT").kind, Variant("chr1", 145, ".", "GCA", "G").kind
    ('insertion', 'deletion')
    """

    chrom: str
    pos: int
    """1-based position, as in the VCF."""
    id: str
    ref: str
    alt: str

    @property
    def kind(self) -> str:
        """One of :data:`KINDS`, from REF and ALT alone."""
        return allele_kind(self.ref, self.alt)


def allele_kind(ref: str, alt: str) -> str:
    """The kind of an alternative allele (:data:`KINDS`): ``symbolic`` for
    ``<DEL>``-like alleles, ``*`` (a deletion upstream) and breakends,
    ``missing`` for ``.``, ``invalid`` for any other non-ACGTN character.

    Examples
    --------
    >>> [allele_kind("A", a) for a in ("G", "<DEL>", "*", "A[chr2:5[", ".", "R")]
    ['snv', 'symbolic', 'symbolic', 'symbolic', 'missing', 'invalid']
    >>> allele_kind("AC", "GT"), allele_kind("A", "AT"), allele_kind("AT", "A")
    ('mnv', 'insertion', 'deletion')
    """
    ref, alt = ref.upper(), alt.upper()
    if alt == ".":
        return "missing"
    if alt == "*" or alt.startswith("<") or "[" in alt or "]" in alt:
        return "symbolic"
    if not ref or not alt or not set(ref + alt) <= _BASES:
        return "invalid"
    if len(ref) == len(alt):
        return "snv" if len(ref) == 1 else "mnv"
    return "insertion" if len(alt) > len(ref) else "deletion"


def shared_prefix(ref: str, alt: str) -> int:
    """How many bases REF and ALT share at their start (VCF's anchor base of
    an indel, and any more): where a gap goes when the two are aligned.

    Examples
    --------
    >>> shared_prefix("G", "GTT"), shared_prefix("GCA", "GC"), shared_prefix("AC", "GT")
    (1, 2, 0)
    """
    n = 0
    while n < min(len(ref), len(alt)) and ref[n] == alt[n]:
        n += 1
    return n


#: The status of an allele kind that is never scored.
UNSCORED_KINDS = {"symbolic": "symbolic", "missing": "missing", "invalid": "invalid_allele"}


@dataclass(frozen=True)
class AlleleWindows:
    """The windows of one allele, or why there are none (``status``)."""

    status: str
    ref: str = ""
    alt: str = ""
    genome_ref: str = ""
    """The genome's bases under REF ("" where unknown)."""
    ref_start: int = 0
    """Index of REF's first base in the reference window."""
    alt_start: int = 0
    """Index of ALT's first base in the alternative window."""


def allele_windows(genome, variant: Variant, width: int, rule: str = "left",
                   chrom: str | None = None) -> AlleleWindows:
    """The reference and alternative windows of ``variant`` (``width`` bases
    each) by ``rule`` (:data:`WINDOW_RULES`; the module's docstring states
    both), read from ``genome`` (a ``pyfaidx.Fasta`` or a mapping of names to
    sequences) at ``chrom`` (default: the variant's own chromosome name).

    The status is "ok", or: the kind's own status for symbolic, missing and
    invalid alleles; "unknown_chromosome"; "too_long" when REF or ALT does
    not fit in the window's part after its start; "off_end" when a window
    needs bases past the chromosome's ends; "ref_mismatch" when the genome's
    bases are not REF.

    Examples
    --------
    >>> genome = {"chr1": "AAAACCCCGGGGTTTT"}
    >>> w = allele_windows(genome, Variant("chr1", 8, ".", "CGGG", "C"), 8)  # a deletion
    >>> w.status, w.ref, w.alt
    ('ok', 'ACCCCGGG', 'ACCCCGTT')
    >>> w = allele_windows(genome, Variant("chr1", 8, ".", "C", "CTT"), 8)  # an insertion
    >>> w.ref, w.alt
    ('ACCCCGGG', 'ACCCCTTG')
    >>> w = allele_windows(genome, Variant("chr1", 8, ".", "C", "CTT"), 8, "centred")
    >>> w.ref, w.alt
    ('CCCCGGGG', 'CCCTTGGG')
    >>> allele_windows(genome, Variant("chr1", 8, ".", "G", "T"), 8).status
    'ref_mismatch'
    """
    if rule not in WINDOW_RULES:
        raise ValueError(f"rule must be one of {WINDOW_RULES}; got {rule!r}.")
    kind = variant.kind
    if kind in UNSCORED_KINDS:
        return AlleleWindows(UNSCORED_KINDS[kind])
    chrom = variant.chrom if chrom is None else chrom
    if chrom not in genome:
        return AlleleWindows("unknown_chromosome")
    ref, alt = variant.ref.upper(), variant.alt.upper()
    p, r, a = variant.pos - 1, len(ref), len(alt)
    if rule == "left":
        left_ref = left_alt = width // 2
    else:
        left_ref, left_alt = (width - r) // 2, (width - a) // 2
    if r > width - left_ref or a > width - left_alt or min(left_ref, left_alt) < 0:
        return AlleleWindows("too_long")
    size = len(genome[chrom])
    right_ref = width - left_ref - r  # genome bases after REF in each window
    right_alt = width - left_alt - a
    start, end = p - max(left_ref, left_alt), p + r + max(right_ref, right_alt)
    if start < 0 or end > size or p + r > size:
        genome_ref = str(genome[chrom][p:min(size, p + r)]).upper() if p < size else ""
        return AlleleWindows("off_end", genome_ref=genome_ref)
    bases = str(genome[chrom][start:end]).upper()
    offset = p - start  # REF's index in ``bases``
    genome_ref = bases[offset:offset + r]
    if genome_ref != ref:
        return AlleleWindows("ref_mismatch", genome_ref=genome_ref)
    after = offset + r
    return AlleleWindows(
        "ok",
        ref=bases[offset - left_ref:after + right_ref],
        alt=bases[offset - left_alt:offset] + alt + bases[after:after + right_alt],
        genome_ref=genome_ref, ref_start=left_ref, alt_start=left_alt)
