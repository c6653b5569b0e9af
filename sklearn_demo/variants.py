"""Variant effects: how a fitted model's prediction changes when a VCF's
alternative allele replaces the reference in a window of the genome."""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy.special import expit

from ._validation import PATH, Options, check_distinct_paths, validate_arguments
from .genome import open_genome
from .effects_output import effects_writer
from .inference.engine import log_odds, model_width, run_batches
from .inference.predict import COMMON, FRACTION, POSITIVE, WIDTH
from .variant_motifs import change_names, motif_changes
from .variant_report import StrongestAlleles, write_variant_report
from .variant_windows import KINDS, WINDOW_RULES, Variant, allele_windows
from .vcf import RecordQueue, VcfInput, VcfReader, matching_chromosome, passes, record_alleles


@dataclass
class VcfReport:
    """Lines read and their alternative alleles counted by kind
    (:data:`~sklearn_demo.variant_windows.KINDS`)."""

    n_lines: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def count(self, record) -> list[Variant]:
        """The alleles of a pysam record (:func:`~sklearn_demo.vcf.record_alleles`),
        counted: the record as a line, each allele by its kind."""
        self.n_lines += 1
        variants = record_alleles(record)
        for variant in variants:
            self.kinds[variant.kind] = self.kinds.get(variant.kind, 0) + 1
        return variants

    def __str__(self) -> str:
        alleles = sum(self.kinds.values())
        counts = ", ".join(f"{self.kinds[k]} {k}" for k in KINDS if self.kinds.get(k))
        return f"{alleles} alleles from {self.n_lines} lines ({counts or 'none'})"


def read_vcf(path: str | os.PathLike, **query) -> tuple[list[Variant], VcfReport]:
    """Every alternative allele of a VCF (plain, gzip or bgzip; read by
    pysam), one :class:`Variant` each, and the count of each kind (SNVs,
    MNVs, insertions, deletions, and the symbolic, missing or invalid alleles
    that :func:`variant_effects` writes with a status but cannot score).
    ``query``: ``region=`` or ``regions=`` of
    :class:`~sklearn_demo.vcf.VcfReader` (an indexed file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "v.vcf"
    >>> _ = path.write_text("##fileformat=VCFv4.2\\n#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL"
    ...     "\\tFILTER\\tINFO\\nchr1\\t5\\trs1\\tA\\tG,T\\t.\\t.\\t.\\n"
    ...     "chr1\\t9\\t.\\tAC\\tA,<DEL>\\t.\\t.\\t.\\n")
    >>> variants, report = read_vcf(path)
    >>> [(v.pos, v.alt, v.kind) for v in variants][1:3], str(report)
    ([(5, 'T', 'snv'), (9, 'A', 'deletion')], '4 alleles from 2 lines (2 snv, 1 deletion, 1 symbolic)')
    """
    report = VcfReport()
    return list(iter_vcf(path, report, **query)), report


def iter_vcf(path: str | os.PathLike, report: VcfReport, **query) -> Iterator[Variant]:
    """Stream every alternative allele of a VCF, counting into ``report``
    the lines read and the alleles by kind; see :func:`read_vcf`."""
    with VcfReader(path, **query) as reader:
        for record in reader.records():
            yield from report.count(record)


@dataclass(frozen=True)
class VariantEffects:
    """Per allele: its kind, its status and its windows' scores with the
    reference and the alternative allele. ``status`` is "ok" or why the
    allele was not scored (:data:`~sklearn_demo.variant_windows.STATUSES`):
    "ref_mismatch" (the genome's bases are not the VCF's REF),
    "unknown_chromosome", "off_end" (a window does not fit in the
    chromosome), "too_long" (REF or ALT does not fit in the window), or the
    allele's kind for symbolic, missing and invalid alleles. With ``tasks``
    (a multi-task model scored for every task), the scores have shape
    (n_variants, n_tasks), one column per task."""

    variants: list[Variant]
    status: np.ndarray
    genome_base: np.ndarray
    """The genome's bases under REF at each variant ("" where unknown)."""
    p_ref: np.ndarray
    p_alt: np.ndarray
    logit_ref: np.ndarray
    logit_alt: np.ndarray
    report: VcfReport = field(default_factory=VcfReport)
    tasks: list[str] | None = None
    motifs_gained: np.ndarray | None = None
    """With ``motifs``: per allele, the motif hits it creates, ``name(strand)``
    joined by ``|`` (:func:`~sklearn_demo.variant_motifs.motif_changes`)."""
    motifs_lost: np.ndarray | None = None
    """With ``motifs``: per allele, the motif hits it destroys."""

    @property
    def delta_p(self) -> np.ndarray:
        return self.p_alt - self.p_ref

    @property
    def delta_logit(self) -> np.ndarray:
        return self.logit_alt - self.logit_ref

    def mismatches(self) -> list[str]:
        """"chrom:pos REF>ALT (genome has X)" for each REF mismatch."""
        return [f"{v.chrom}:{v.pos} {v.ref}>{v.alt} (genome has {b})"
                for v, s, b in zip(self.variants, self.status, self.genome_base)
                if s == "ref_mismatch"]


@validate_arguments({"batch_size": POSITIVE, "width": WIDTH, "window": [Options(WINDOW_RULES)],
                     "motif_threshold": FRACTION})
def variant_effects(
    estimator: object,
    variants: str | os.PathLike | list[Variant],
    genome: object,
    *,
    width: int | None = None,
    window: str = "left",
    batch_size: int = 10_000,
    target: object = None,
    motifs: Mapping[str, np.ndarray] | None = None,
    motif_threshold: float = 1e-4,
) -> VariantEffects:
    """Score each allele's reference and alternative window (``width``
    bases; default, the width the model was trained on) with a fitted
    classifier: SNVs, MNVs, insertions and deletions alike.

    ``window`` is the rule that places the allele (the User Guide's
    "Variants" and :mod:`sklearn_demo.variant_windows` state both):
    ``"left"`` (the default, as for SNVs) puts the first REF base at index
    ``width // 2`` of both windows and fills the alternative window from the
    genome after REF; ``"centred"`` centres REF and ALT in their windows.
    A multi-task network needs ``target``: one task (name or index), or
    ``"all"`` for every task at once (scores of shape (n, n_tasks)).
    With ``motifs`` (name -> (4, w) probabilities: the report's
    ``motifs.meme``, JASPAR's matrices), each scored allele also gets the
    motif hits it creates and destroys (FIMO, p below ``motif_threshold``;
    :func:`~sklearn_demo.variant_motifs.motif_changes`).

    Read more in the :doc:`User Guide </guide/data>`.

    The reference allele is checked against the genome: a mismatch is
    reported (``status`` "ref_mismatch", :meth:`VariantEffects.mismatches`),
    never scored; every allele keeps its row, with a status. A chromosome
    named ``1`` here and ``chr1`` in the genome (or the reverse) is matched.
    Each window is scored once (alleles of one position share their
    reference window): the log-odds of ``decision_function``, p its logistic.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_demo import KmerClassifier
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "ACGT" * 100 + "\\n")
    >>> model = KmerClassifier(k=2).fit(["ACGTACGT", "AAAAAAAA"], [1, 0])
    >>> effects = variant_effects(model, [Variant("chr1", 200, ".", "T", "A"),
    ...                                   Variant("chr1", 201, ".", "T", "C"),
    ...                                   Variant("chr1", 200, ".", "TA", "T"),
    ...                                   Variant("chr1", 200, ".", "T", "<DEL>")],
    ...                           folder / "g.fa", width=11)
    >>> effects.status.tolist(), effects.mismatches()
    (['ok', 'ref_mismatch', 'ok', 'symbolic'], ['chr1:201 T>C (genome has A)'])
    """
    width = model_width(estimator, width)
    estimator, tasks = _task_scorer(estimator, target)
    report = VcfReport()
    if not isinstance(variants, list):
        variants, report = read_vcf(variants)
    fasta = open_genome(genome)
    n = len(variants)
    status = np.full(n, "ok", dtype=object)
    genome_base = np.full(n, "", dtype=object)
    ref_windows, alt_windows, scored, spans = [], [], [], []
    names = set(fasta.keys())
    chromosomes: dict[str, str | None] = {}
    for i, v in enumerate(variants):
        if v.chrom not in chromosomes:  # "1" in the VCF, "chr1" in the genome, or the reverse
            chromosomes[v.chrom] = matching_chromosome(v.chrom, names)
        windows = allele_windows(fasta, v, width, window, chrom=chromosomes[v.chrom] or v.chrom)
        status[i], genome_base[i] = windows.status, windows.genome_ref
        if windows.status == "ok":
            ref_windows.append(windows.ref)
            alt_windows.append(windows.alt)
            scored.append(i)
            spans.append(((windows.ref_start, windows.ref_start + len(v.ref)),
                          (windows.alt_start, windows.alt_start + len(v.alt))))
    shape = n if tasks is None else (n, len(tasks))
    p_ref, p_alt, logit_ref, logit_alt = (np.full(shape, np.nan) for _ in range(4))
    index = np.array(scored, dtype=np.int64)
    if len(index):
        # the alleles of one position share their reference window: scored once
        unique = list(dict.fromkeys(ref_windows))
        row_of = {window: k for k, window in enumerate(unique)}
        p, logit = _positive_scores(estimator, unique, tasks, batch_size)
        take = np.array([row_of[window] for window in ref_windows])
        p_ref[index], logit_ref[index] = p[take], logit[take]
        p_alt[index], logit_alt[index] = _positive_scores(estimator, alt_windows, tasks,
                                                          batch_size)
    gained = lost = None
    if motifs is not None:
        gained, lost = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
        changes = motif_changes(ref_windows, alt_windows, [r for r, _ in spans],
                                [a for _, a in spans], motifs, threshold=motif_threshold)
        for out, names in zip((gained, lost), change_names(changes, len(index))):
            out[index] = ["|".join(labels) for labels in names]
        gained, lost = gained.astype(str), lost.astype(str)
    return VariantEffects(variants, status.astype(str), genome_base.astype(str), p_ref, p_alt,
                          logit_ref, logit_alt, report, tasks, gained, lost)


def _positive_scores(estimator: object, windows: list[str], tasks: list[str] | None,
                     batch_size: int) -> tuple[np.ndarray, np.ndarray]:
    """p and log-odds of the positive class (of each task) of ``windows``,
    ``batch_size`` at a time, from one forward pass each: p is the logistic
    of the log-odds."""
    logits = [estimator.decision_function(batch) if tasks is not None else
              log_odds(estimator, batch)
              for batch in (np.array(windows[first:first + batch_size])
                            for first in range(0, len(windows), batch_size))]
    logit = np.concatenate(logits)
    return expit(logit), logit


def _task_scorer(estimator: object, target: object) -> tuple[object, list[str] | None]:
    """The model that scores ``target``'s task (``estimator`` itself for a
    single-task model) and the task names when ``target="all"``."""
    inner = getattr(estimator, "estimator", estimator)  # FrozenEstimator
    if not getattr(inner, "is_multitask", False):
        if target not in (None, 0):
            raise ValueError(f"target={target!r}: the model has one task; leave target=None.")
        return estimator, None
    if isinstance(target, str) and target == "all":
        return inner, list(inner.tasks_)
    return inner.task_classifier(target), None


def write_variant_effects(effects: VariantEffects, path: str | os.PathLike) -> None:
    """Write ``effects`` by ``path``'s extension
    (:func:`~sklearn_demo.effects_output.effects_writer`): a TSV or Parquet
    table of one row per allele (:data:`~sklearn_demo.effects_output.EFFECT_COLUMNS`; unscored alleles
    have empty scores), or a VCF (``.vcf``; ``.vcf.gz`` bgzipped and indexed)
    with the effects as INFO fields (one value per ALT).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> effects = VariantEffects([Variant("chr1", 5, "rs1", "A", "G")], np.array(["ok"]),
    ...                          np.array(["A"]), np.array([0.2]), np.array([0.7]),
    ...                          np.array([-1.4]), np.array([0.8]))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "e.vcf"
    >>> write_variant_effects(effects, path)
    >>> path.read_text().splitlines()[-1].split("\\t")[7]
    'KIND=snv;STATUS=ok;P_REF=0.2;P_ALT=0.7;DELTA_P=0.5;LOGIT_REF=-1.4;LOGIT_ALT=0.8;DELTA_LOGIT=2.2'
    """
    with effects_writer(path, effects.tasks, chromosomes=[v.chrom for v in effects.variants],
                        motifs=effects.motifs_gained is not None) as out:
        out.add(effects)


@dataclass
class VcfScoring:
    """What :func:`score_vcf` did."""

    report: VcfReport
    status_counts: dict[str, int]
    mismatches: list[str]
    """Every REF mismatch, as :meth:`VariantEffects.mismatches` names it."""
    input: VcfInput = field(default_factory=VcfInput)
    """Records read and set aside by FILTER, chromosomes matched across a
    "chr" prefix, notes."""


@validate_arguments({**COMMON, "vcf": PATH, "genome": PATH, "width": WIDTH,
                     "window": [Options(WINDOW_RULES)], "region": [str, None],
                     "regions": [*PATH, None], "pass_only": [bool],
                     "motif_threshold": FRACTION, "report_dir": [*PATH, None],
                     "report_top": POSITIVE},
                    inputs=("vcf", "genome"))
def score_vcf(
    estimator: object,
    vcf: str | os.PathLike,
    genome: str | os.PathLike,
    out: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    width: int | None = None,
    window: str = "left",
    region: str | None = None,
    regions: str | os.PathLike | None = None,
    pass_only: bool = False,
    batch_size: int = 10_000,
    n_jobs: int | None = None,
    target: object = None,
    motifs: Mapping[str, np.ndarray] | None = None,
    motif_threshold: float = 1e-4,
    report_dir: str | os.PathLike | None = None,
    report_top: int = 10,
) -> VcfScoring:
    """Stream every record of a VCF of any size (or of its regions) through
    :func:`variant_effects` (``width`` and the ``window`` rule as there) into
    ``out``: one path or several, each written by its extension
    (:func:`~sklearn_demo.effects_output.effects_writer`): ``.vcf.gz`` the
    input's records with the effects as INFO fields, bgzipped and
    tabix-indexed; ``.vcf`` the same, plain; ``.parquet`` and anything else
    (TSV) one row per allele. ``batch_size`` records at a time, in bounded
    memory, with a progress bar; every record is written, each allele with a
    status.

    Read more in the :doc:`User Guide </guide/data>`.

    The VCF is read by pysam (:class:`~sklearn_demo.vcf.VcfReader`): plain,
    gzip or bgzip; ``region`` (``chr1:1-1000000``) or ``regions`` (a BED
    file) query its tabix or CSI index. ``pass_only`` scores only records
    whose FILTER is PASS or ``.``; the others are written with status
    "filtered". Chromosomes named ``1`` in the VCF and ``chr1`` in the genome
    (or the reverse) are matched, and said in ``VcfScoring.input.renamed``.

    Batches run through joblib: ``n_jobs`` processes here, or a Dask or Ray
    cluster inside ``joblib.parallel_config(backend="dask")`` (or
    ``"ray"``), as scikit-learn's ``n_jobs`` does; results are written in the
    VCF's order. Each batch opens the (indexed) genome itself. ``target``
    picks the task of a multi-task model, or ``"all"`` scores every task
    (as :func:`variant_effects`); ``motifs`` adds the motif hits each allele
    creates and destroys (as :func:`variant_effects`). ``report_dir``
    writes the run's report there (:mod:`sklearn_demo.variant_report`): every
    allele by status, the ``report_top`` alleles that change the log-odds
    most (kept in bounded memory as the stream goes by) with their motifs,
    and the strongest ones' attribution maps aligned across the allele.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_demo import KmerClassifier
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "ACGT" * 100 + "\\n")
    >>> _ = (folder / "v.vcf").write_text("##fileformat=VCFv4.2\\n#CHROM\\tPOS\\tID\\tREF"
    ...     "\\tALT\\tQUAL\\tFILTER\\tINFO\\n1\\t200\\t.\\tT\\tA\\t.\\t.\\t.\\n"
    ...     "1\\t201\\t.\\tT\\tC\\t.\\t.\\t.\\n")
    >>> model = KmerClassifier(k=2).fit(["ACGTACGT", "AAAAAAAA"], [1, 0])
    >>> result = score_vcf(model, folder / "v.vcf", folder / "g.fa", folder / "e.tsv", width=11)
    >>> result.status_counts, result.mismatches, result.input.renamed
    ({'ok': 1, 'ref_mismatch': 1}, ['1:201 T>C (genome has A)'], {'1': 'chr1'})
    """
    outs = [out] if isinstance(out, (str, os.PathLike)) else list(out)
    if not outs:
        raise ValueError("score_vcf: out needs at least one path.")
    check_distinct_paths("score_vcf", {f"out[{i}]": path for i, path in enumerate(outs)},
                         {"vcf": vcf, "genome": genome})
    names = set(open_genome(genome).keys())  # index once, before the batches read it
    report = VcfReport()
    scorer, tasks = _task_scorer(estimator, target)
    task = partial(_score_records, scorer, genome=os.fspath(genome), width=width,
                   window=window, target=None if tasks is None else "all", motifs=motifs,
                   motif_threshold=motif_threshold)
    counts: dict[str, int] = {}
    mismatches: list[str] = []
    queue = RecordQueue()
    strongest = StrongestAlleles(report_top)
    with VcfReader(vcf, region=region, regions=regions) as reader, \
            contextlib.ExitStack() as stack:
        writers = [stack.enter_context(effects_writer(path, tasks, reader.header,
                                                      motifs=motifs is not None))
                   for path in outs]

        def records() -> Iterator[tuple[list[Variant], bool]]:
            for record in reader.records():
                variants = report.count(record)
                if record.chrom not in names and record.chrom not in reader.input.renamed:
                    match = matching_chromosome(record.chrom, names)
                    if match is not None:
                        reader.input.renamed[record.chrom] = match
                filtered = pass_only and not passes(record)
                reader.input.filtered += filtered
                queue.push(record, len(variants))
                yield variants, filtered

        for effects in run_batches(task, records(), batch_size, n_jobs=n_jobs,
                                   desc="variant records"):
            done = queue.pop(len(effects.variants))
            for writer in writers:
                writer.add(effects, done)
            for status in effects.status.tolist():
                counts[status] = counts.get(status, 0) + 1
            mismatches += effects.mismatches()
            if report_dir is not None:
                strongest.add(effects)
    if report_dir is not None:
        write_variant_report(report_dir, scorer, genome, strongest, counts, width=width,
                             window=window, tasks=tasks,
                             subtitle=(f"{vcf}: {report}", f"genome {genome}"))
    return VcfScoring(report, counts, mismatches, reader.input)


def _score_records(estimator: object, records: list[tuple[list[Variant], bool]], *,
                   genome: str, width: int | None, window: str, target: object,
                   motifs: Mapping[str, np.ndarray] | None,
                   motif_threshold: float) -> VariantEffects:
    """The effects of a batch of records' alleles; those of records set
    aside by FILTER get status "filtered" and no scores."""
    variants = [v for alleles, _ in records for v in alleles]
    filtered = np.array([f for alleles, f in records for _ in alleles], dtype=bool)
    scored = variant_effects(estimator, [v for v, f in zip(variants, filtered) if not f],
                             genome, width=width, window=window, batch_size=max(1, len(variants)),
                             target=target, motifs=motifs, motif_threshold=motif_threshold)
    if not filtered.any():
        return scored
    keep = np.flatnonzero(~filtered)

    def spread(values: np.ndarray, empty: object) -> np.ndarray:
        out = np.full((len(variants), *values.shape[1:]), empty, dtype=values.dtype)
        out[keep] = values
        return out

    return VariantEffects(variants, spread(scored.status.astype(object), "filtered").astype(str),
                          spread(scored.genome_base.astype(object), "").astype(str),
                          *(spread(x, np.nan) for x in (scored.p_ref, scored.p_alt,
                                                        scored.logit_ref, scored.logit_alt)),
                          tasks=scored.tasks,
                          **{name: spread(getattr(scored, name).astype(object), "").astype(str)
                             for name in ("motifs_gained", "motifs_lost")
                             if getattr(scored, name) is not None})
