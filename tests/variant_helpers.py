"""Variants for the tests: VCF text with the header htslib needs, and the
two windows of an allele written out by hand from the rules of issue 43."""

HEADER = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"


def vcf_text(*records: str, meta: str = "") -> str:
    """A whole VCF: ``meta`` lines (``##...``, newline-ended), the header and
    ``records``, each padded to eight columns."""
    lines = []
    for record in records:
        fields = record.split("\t")
        lines.append("\t".join(fields + ["."] * (8 - len(fields))))
    head = HEADER if not meta else HEADER.replace("#CHROM", meta + "#CHROM", 1)
    return head + "".join(line + "\n" for line in lines)


def windows_by_hand(sequence: str, pos: int, ref: str, alt: str, width: int,
                    rule: str = "left") -> tuple[str, str]:
    """The reference and alternative windows of an allele at 1-based ``pos``
    of ``sequence``: "left" puts REF's first base at ``width // 2`` of both,
    the alternative window continuing with the sequence after REF; "centred"
    centres REF and ALT in their windows."""
    p = pos - 1
    before_ref, before_alt = ((width // 2, width // 2) if rule == "left"
                              else ((width - len(ref)) // 2, (width - len(alt)) // 2))
    reference = sequence[p - before_ref:p - before_ref + width]
    alternative = (sequence[p - before_alt:p] + alt + sequence[p + len(ref):])[:width]
    return reference, alternative
