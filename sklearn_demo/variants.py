"""Variant effects: how a fitted model's prediction changes when a VCF's
alternative allele replaces the reference in a window of the genome."""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy.special import expit

from ._validation import PATH, Options, validate_arguments
from .genome import open_genome
from .inference.engine import log_odds, model_width, run_batches
from .inference.predict import COMMON, POSITIVE, WIDTH
from .inference.writers import TableWriter, VcfWriter
from .io import open_text
from .variant_windows import KINDS, WINDOW_RULES, Variant, allele_windows

#: Columns of :func:`write_variant_effects`' TSV, in order.
EFFECT_COLUMNS = ("chrom", "pos", "id", "ref", "alt", "kind", "status", "p_ref", "p_alt",
                  "delta_p", "logit_ref", "logit_alt", "delta_logit")


@dataclass
class VcfReport:
    """Lines read and their alternative alleles counted by kind
    (:data:`~sklearn_demo.variant_windows.KINDS`)."""

    n_lines: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str) -> None:
        self.kinds[kind] = self.kinds.get(kind, 0) + 1

    def __str__(self) -> str:
        alleles = sum(self.kinds.values())
        counts = ", ".join(f"{self.kinds[k]} {k}" for k in KINDS if self.kinds.get(k))
        return f"{alleles} alleles from {self.n_lines} lines ({counts or 'none'})"


def read_vcf(path: str | os.PathLike) -> tuple[list[Variant], VcfReport]:
    """Every alternative allele of a VCF (plain or gzip), one
    :class:`Variant` each, and the count of each kind (SNVs, MNVs,
    insertions, deletions, and the symbolic, missing or invalid alleles that
    :func:`variant_effects` writes with a status but cannot score).

    A malformed line is a ``ValueError`` naming the file and line number.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "v.vcf"
    >>> _ = path.write_text("##fileformat=VCFv4.2\\n#CHROM\\tPOS\\tID\\tREF\\tALT\\n"
    ...                     "chr1\\t5\\trs1\\tA\\tG,T\\nchr1\\t9\\t.\\tAC\\tA,<DEL>\\n")
    >>> variants, report = read_vcf(path)
    >>> [(v.pos, v.alt, v.kind) for v in variants][1:3], str(report)
    ([(5, 'T', 'snv'), (9, 'A', 'deletion')], '4 alleles from 2 lines (2 snv, 1 deletion, 1 symbolic)')
    """
    report = VcfReport()
    return list(iter_vcf(path, report)), report


def iter_vcf(path: str | os.PathLike, report: VcfReport) -> Iterator[Variant]:
    """Stream every alternative allele of a VCF (plain or gzip), counting
    into ``report`` the lines read and the alleles by kind; see
    :func:`read_vcf`."""
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n\r").split("\t")
            if len(fields) < 5:
                raise ValueError(f"{path}, line {number}: a VCF line needs CHROM, POS, ID, REF "
                                 f"and ALT (tab-separated); got {len(fields)} field(s).")
            try:
                pos = int(fields[1])
            except ValueError:
                raise ValueError(f"{path}, line {number}: POS must be an integer; got "
                                 f"{fields[1]!r}.") from None
            if pos < 1:
                raise ValueError(f"{path}, line {number}: POS is 1-based; got {pos}.")
            report.n_lines += 1
            ref = fields[3].upper()
            for alt in fields[4].split(","):
                variant = Variant(fields[0], pos, fields[2], ref, alt.upper())
                report.add(variant.kind)
                yield variant


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


@validate_arguments({"batch_size": POSITIVE, "width": WIDTH, "window": [Options(WINDOW_RULES)]})
def variant_effects(
    estimator: object,
    variants: str | os.PathLike | list[Variant],
    genome: object,
    *,
    width: int | None = None,
    window: str = "left",
    batch_size: int = 10_000,
    target: object = None,
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

    Read more in the :doc:`User Guide </guide/data>`.

    The reference allele is checked against the genome: a mismatch is
    reported (``status`` "ref_mismatch", :meth:`VariantEffects.mismatches`),
    never scored; every allele keeps its row, with a status. Each window is
    scored once: the log-odds of ``decision_function``, p its logistic.

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
    ref_windows, alt_windows, scored = [], [], []
    for i, v in enumerate(variants):
        windows = allele_windows(fasta, v, width, window)
        status[i], genome_base[i] = windows.status, windows.genome_ref
        if windows.status == "ok":
            ref_windows.append(windows.ref)
            alt_windows.append(windows.alt)
            scored.append(i)
    shape = n if tasks is None else (n, len(tasks))
    p_ref, p_alt, logit_ref, logit_alt = (np.full(shape, np.nan) for _ in range(4))
    index = np.array(scored, dtype=np.int64)
    for first in range(0, len(index), batch_size):
        part = slice(first, first + batch_size)
        rows = index[part]
        for windows, p_out, logit_out in ((ref_windows, p_ref, logit_ref),
                                          (alt_windows, p_alt, logit_alt)):
            batch = np.array(windows[part])
            p_out[rows], logit_out[rows] = _positive_scores(estimator, batch, tasks)
    return VariantEffects(variants, status.astype(str), genome_base.astype(str), p_ref, p_alt,
                          logit_ref, logit_alt, report, tasks)


def _positive_scores(estimator: object, batch: np.ndarray,
                     tasks: list[str] | None) -> tuple[np.ndarray, np.ndarray]:
    """p and log-odds of the positive class (of each task), from one
    forward pass: p is the logistic of the log-odds."""
    logit = estimator.decision_function(batch) if tasks is not None else log_odds(estimator, batch)
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


#: INFO fields of :func:`write_variant_effects`' VCF output, beside STATUS.
EFFECT_INFO = {
    "P_REF": "p(bound) of the window with the reference allele",
    "P_ALT": "p(bound) of the window with the alternative allele",
    "DELTA_P": "P_ALT - P_REF",
    "LOGIT_REF": "log-odds of bound with the reference allele",
    "LOGIT_ALT": "log-odds of bound with the alternative allele",
    "DELTA_LOGIT": "LOGIT_ALT - LOGIT_REF",
}


def effects_writer(path: str | os.PathLike, tasks: list[str] | None = None):
    """The writer of :func:`score_vcf` and :func:`write_variant_effects` by
    ``path``'s extension: ``.vcf`` a VCF with the effects as INFO fields
    (:data:`EFFECT_INFO`), anything else a TSV of :data:`EFFECT_COLUMNS`.

    With ``tasks`` (every task of a multi-task model), the TSV has one score
    column per task and effect (``delta_p.CTCF``) and each VCF INFO field
    a comma-separated list in the tasks' order (named in its header).
    """
    if os.fspath(path).lower().endswith(".vcf"):
        if tasks is None:
            return VcfWriter(path, EFFECT_INFO)
        order = ",".join(tasks)
        return VcfWriter(path, {key: f"{text}, per task ({order})"
                                for key, text in EFFECT_INFO.items()}, number=".")
    if tasks is None:
        return TableWriter(path, EFFECT_COLUMNS)
    return TableWriter(path, EFFECT_COLUMNS[:7] + tuple(
        f"{column}.{task}" for column in EFFECT_COLUMNS[7:] for task in tasks))


def write_variant_effects(effects: VariantEffects, path: str | os.PathLike) -> None:
    """Write ``effects`` as a TSV with a header (:data:`EFFECT_COLUMNS`;
    unscored variants have empty score fields) or, for a ``.vcf`` path, as a
    VCF with the effects as INFO fields (:data:`EFFECT_INFO`).

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
    with effects_writer(path, effects.tasks) as out:
        _write_rows(out, effects)


def _write_rows(out, effects: VariantEffects) -> None:
    effect_scores = [effects.p_ref, effects.p_alt, effects.delta_p, effects.logit_ref,
                     effects.logit_alt, effects.delta_logit]
    if effects.tasks is not None and isinstance(out, VcfWriter):
        out.write((v.chrom, v.pos, v.id, v.ref, v.alt,
                   {"KIND": v.kind, "STATUS": status, **{key: score[i].tolist() for key, score
                                         in zip(EFFECT_INFO, effect_scores)}})
                  for i, (v, status) in enumerate(zip(effects.variants, effects.status)))
        return
    scores = np.column_stack(effect_scores).tolist()
    if isinstance(out, VcfWriter):
        out.write((v.chrom, v.pos, v.id, v.ref, v.alt,
                   {"KIND": v.kind, "STATUS": status, **dict(zip(EFFECT_INFO, row))})
                  for v, status, row in zip(effects.variants, effects.status, scores))
        return
    out.write((v.chrom, str(v.pos), v.id, v.ref, v.alt, v.kind, status,
               *("" if np.isnan(x) else f"{x:.6g}" for x in row))
              for v, status, row in zip(effects.variants, effects.status, scores))


@dataclass
class VcfScoring:
    """What :func:`score_vcf` did."""

    report: VcfReport
    status_counts: dict[str, int]
    mismatches: list[str]
    """Every REF mismatch, as :meth:`VariantEffects.mismatches` names it."""


@validate_arguments({**COMMON, "vcf": PATH, "genome": PATH, "out": PATH, "width": WIDTH,
                     "window": [Options(WINDOW_RULES)]},
                    outputs=("out",), inputs=("vcf", "genome"))
def score_vcf(
    estimator: object,
    vcf: str | os.PathLike,
    genome: str | os.PathLike,
    out: str | os.PathLike,
    *,
    width: int | None = None,
    window: str = "left",
    batch_size: int = 10_000,
    n_jobs: int | None = None,
    target: object = None,
) -> VcfScoring:
    """Stream every allele of a VCF of any size through :func:`variant_effects`
    (``width`` and the ``window`` rule as there) into ``out``,
    a TSV or (``.vcf``) a VCF with the effects as INFO fields (:func:`effects_writer`),
    ``batch_size`` variants at a time, in bounded memory, with a progress bar.

    Read more in the :doc:`User Guide </guide/data>`.

    Batches run through joblib: ``n_jobs`` processes here, or a Dask or Ray
    cluster inside ``joblib.parallel_config(backend="dask")`` (or
    ``"ray"``), as scikit-learn's ``n_jobs`` does; results are written in the
    VCF's order. Each batch opens the (indexed) genome itself. ``target``
    picks the task of a multi-task model, or ``"all"`` scores every task
    (as :func:`variant_effects`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_demo import KmerClassifier
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "g.fa").write_text(">chr1\\n" + "ACGT" * 100 + "\\n")
    >>> _ = (folder / "v.vcf").write_text("chr1\\t200\\t.\\tT\\tA\\nchr1\\t201\\t.\\tT\\tC\\n")
    >>> model = KmerClassifier(k=2).fit(["ACGTACGT", "AAAAAAAA"], [1, 0])
    >>> result = score_vcf(model, folder / "v.vcf", folder / "g.fa", folder / "e.tsv", width=11)
    >>> result.status_counts, result.mismatches
    ({'ok': 1, 'ref_mismatch': 1}, ['chr1:201 T>C (genome has A)'])
    """
    open_genome(genome)  # index once, before the batches read it
    report = VcfReport()
    scorer, tasks = _task_scorer(estimator, target)
    task = partial(variant_effects, scorer, genome=os.fspath(genome), width=width,
                   window=window, batch_size=batch_size,
                   target=None if tasks is None else "all")
    counts: dict[str, int] = {}
    mismatches: list[str] = []
    with effects_writer(out, tasks) as writer:
        for effects in run_batches(task, iter_vcf(vcf, report), batch_size, n_jobs=n_jobs,
                                   desc="variants"):
            _write_rows(writer, effects)
            for status in effects.status.tolist():
                counts[status] = counts.get(status, 0) + 1
            mismatches += effects.mismatches()
    return VcfScoring(report, counts, mismatches)
