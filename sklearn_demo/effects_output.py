"""Variant effects written out: a TSV or Parquet table of one row per
allele for analysis, or the VCF's records annotated with INFO fields
(bgzipped and tabix-indexed for ``.vcf.gz``) for bcftools, VEP and genome
browsers. One writer per format, chosen by the output's extension
(:func:`effects_writer`)."""
from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._atomic import atomic_path
from .inference.writers import TableWriter
from .vcf import AnnotatedVcfWriter, info_id

if TYPE_CHECKING:
    from .variants import VariantEffects

#: The per-allele columns of the TSV and Parquet tables, before the scores.
ALLELE_COLUMNS = ("chrom", "pos", "id", "ref", "alt", "kind", "status")

#: The scores of each allele, as table columns (lower case) and VCF INFO
#: fields (upper case), with the INFO fields' descriptions.
EFFECT_INFO = {
    "P_REF": "p(bound) of the window with the reference allele",
    "P_ALT": "p(bound) of the window with the alternative allele",
    "DELTA_P": "P_ALT - P_REF",
    "LOGIT_REF": "log-odds of bound with the reference allele",
    "LOGIT_ALT": "log-odds of bound with the alternative allele",
    "DELTA_LOGIT": "LOGIT_ALT - LOGIT_REF",
}

#: The motif hits each allele creates and destroys (with ``motifs``), as
#: table columns (lower case) and VCF INFO fields, with descriptions.
MOTIF_INFO = {
    "MOTIFS_GAINED": "Motif hits (FIMO) the ALT creates, name(strand) joined by |",
    "MOTIFS_LOST": "Motif hits (FIMO) the ALT destroys, name(strand) joined by |",
}

#: Columns of the TSV and Parquet tables of a single-task model, in order.
EFFECT_COLUMNS = ALLELE_COLUMNS + tuple(key.lower() for key in EFFECT_INFO)

#: The extensions of the annotated VCF output (the last two bgzipped and indexed).
VCF_SUFFIXES = (".vcf", ".vcf.gz", ".vcf.bgz")


def _scores(effects: VariantEffects) -> list[np.ndarray]:
    return [effects.p_ref, effects.p_alt, effects.delta_p, effects.logit_ref,
            effects.logit_alt, effects.delta_logit]


def score_names(tasks: list[str] | None, vcf: bool) -> list[str]:
    """The score columns (``delta_p``, or ``delta_p.CTCF`` per task) or
    INFO IDs (``DELTA_P``, or ``DELTA_P_CTCF`` per task), in the order of
    :func:`score_columns`.

    Examples
    --------
    >>> score_names(["CTCF", "A+B"], vcf=True)[:2]
    ['P_REF_CTCF', 'P_REF_A_B']
    """
    if tasks is None:
        return list(EFFECT_INFO) if vcf else [key.lower() for key in EFFECT_INFO]
    return [f"{key}_{info_id(task)}" if vcf else f"{key.lower()}.{task}"
            for key in EFFECT_INFO for task in tasks]


def score_columns(effects: VariantEffects) -> list[np.ndarray]:
    """Each score of :func:`score_names`, one value per allele."""
    if effects.tasks is None:
        return _scores(effects)
    return [score[:, t] for score in _scores(effects) for t in range(len(effects.tasks))]


def table_columns(tasks: list[str] | None, motifs: bool) -> tuple[str, ...]:
    """The columns of the TSV and Parquet tables: :data:`ALLELE_COLUMNS`,
    the scores (:func:`score_names`) and, with ``motifs``, the motifs gained
    and lost."""
    return (ALLELE_COLUMNS + tuple(score_names(tasks, vcf=False))
            + (tuple(key.lower() for key in MOTIF_INFO) if motifs else ()))


def motif_columns(effects: VariantEffects) -> list[np.ndarray]:
    """The gained and lost motifs per allele, or [] without ``motifs``."""
    if effects.motifs_gained is None:
        return []
    return [effects.motifs_gained, effects.motifs_lost]


class TsvEffects(TableWriter):
    """One TSV row per allele (:data:`ALLELE_COLUMNS`, the scores, empty
    where not scored, and with ``motifs`` the motifs gained and lost)."""

    def __init__(self, path: str | os.PathLike, tasks: list[str] | None = None,
                 motifs: bool = False):
        super().__init__(path, table_columns(tasks, motifs))

    def add(self, effects: VariantEffects, records=None) -> None:
        scores = np.column_stack(score_columns(effects)).tolist()
        texts = list(zip(*motif_columns(effects))) or [()] * len(scores)
        self.write((v.chrom, str(v.pos), v.id, v.ref, v.alt, v.kind, status,
                    *("" if np.isnan(x) else f"{x:.6g}" for x in row), *text)
                   for v, status, row, text in zip(effects.variants, effects.status, scores,
                                                    texts))


class ParquetEffects:
    """One Parquet row per allele (the TSV's columns; scores as float64,
    null where not scored), a row group per batch: written as it comes."""

    def __init__(self, path: str | os.PathLike, tasks: list[str] | None = None,
                 motifs: bool = False):
        self.path = Path(path)
        self.columns = table_columns(tasks, motifs)
        self.scores = set(score_names(tasks, vcf=False))
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> ParquetEffects:
        try:
            import pyarrow
            import pyarrow.parquet
        except ImportError:
            raise ImportError(f"writing {self.path} needs pyarrow: pip install pyarrow "
                              f"(or write .tsv)") from None
        self._pa = pyarrow
        tmp = self._stack.enter_context(atomic_path(self.path, suffix=".parquet"))
        self.schema = pyarrow.schema([
            (name, pyarrow.int64() if name == "pos" else
             pyarrow.float64() if name in self.scores else pyarrow.string())
            for name in self.columns])
        self.writer = pyarrow.parquet.ParquetWriter(str(tmp), self.schema)
        self._stack.callback(self.writer.close)
        return self

    def add(self, effects: VariantEffects, records=None) -> None:
        v = effects.variants
        columns = [[x.chrom for x in v], [x.pos for x in v], [x.id for x in v],
                   [x.ref for x in v], [x.alt for x in v], [x.kind for x in v],
                   effects.status.tolist()]
        columns += [self._pa.array(np.asarray(score, dtype=np.float64), from_pandas=True)
                    for score in score_columns(effects)]
        columns += [column.tolist() for column in motif_columns(effects)]
        self.writer.write_table(self._pa.Table.from_arrays(columns, schema=self.schema))

    def __exit__(self, *exc_info) -> bool:
        return self._stack.__exit__(*exc_info)


class VcfEffects(AnnotatedVcfWriter):
    """The VCF's records with their alleles' effects as INFO fields
    (:class:`~sklearn_demo.vcf.AnnotatedVcfWriter`); without input records
    (``header=None``), one record per run of alleles at the same position,
    under a header that declares their chromosomes."""

    def __init__(self, path: str | os.PathLike, tasks: list[str] | None = None, header=None,
                 chromosomes: Sequence[str] = (), motifs: bool = False):
        if header is None:
            header = "".join(f"##contig=<ID={name}>\n" for name in dict.fromkeys(chromosomes))
        names = score_names(tasks, vcf=True)
        descriptions = [f"{text}{'' if tasks is None else f' ({task})'}"
                        for text in EFFECT_INFO.values() for task in (tasks or [None])]
        super().__init__(path, header, dict(zip(names, descriptions)),
                         MOTIF_INFO if motifs else None)

    def add(self, effects: VariantEffects, records=None) -> None:
        """Write ``records`` (pysam records, each with the slice of
        ``effects`` its alleles are), or records made from the alleles."""
        if records is None:
            records = self._records(effects)
        columns = score_columns(effects)
        texts = motif_columns(effects)
        kinds = [v.kind for v in effects.variants]
        for record, part in records:
            self.write(record, kinds[part], effects.status[part].tolist(),
                       [column[part] for column in columns],
                       [column[part].tolist() for column in texts])

    def _records(self, effects: VariantEffects) -> list[tuple[str, slice]]:
        """VCF lines (CHROM to INFO) of runs of alleles at the same position."""
        out, start = [], 0
        for (chrom, pos, vid, ref), group in groupby(
                effects.variants, key=lambda v: (v.chrom, v.pos, v.id, v.ref)):
            alts = [v.alt for v in group]
            shown = ",".join(a for a in alts if a != ".") or "."
            out.append((f"{chrom}\t{pos}\t{vid}\t{ref}\t{shown}\t.\t.\t.",
                        slice(start, start + len(alts))))
            start += len(alts)
        return out


def effects_writer(path: str | os.PathLike, tasks: list[str] | None = None, header=None,
                   chromosomes: Sequence[str] = (), motifs: bool = False):
    """The writer of ``path`` by its extension: ``.vcf``, ``.vcf.gz`` or
    ``.vcf.bgz`` the annotated VCF (:class:`VcfEffects`; compressed ones
    bgzipped and tabix-indexed), ``.parquet`` a Parquet table
    (:class:`ParquetEffects`), anything else a TSV (:class:`TsvEffects`).
    Each is a context manager whose ``add(effects, records)`` writes a batch;
    with ``motifs``, each also writes the motifs gained and lost.

    Examples
    --------
    >>> effects_writer("e.vcf.gz").compressed, type(effects_writer("e.parquet")).__name__
    (True, 'ParquetEffects')
    """
    name = os.fspath(path).lower()
    if name.endswith(VCF_SUFFIXES):
        return VcfEffects(path, tasks, header, chromosomes, motifs)
    if name.endswith(".parquet"):
        return ParquetEffects(path, tasks, motifs)
    return TsvEffects(path, tasks, motifs)
