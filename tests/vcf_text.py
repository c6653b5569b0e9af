"""VCF text for the tests: the header htslib needs, and records given as
``CHROM POS ID REF ALT [QUAL FILTER INFO]`` (tab-separated; the missing
columns written ``.``)."""

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
