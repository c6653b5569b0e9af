"""What each base contributes with either allele: the reference and the
alternative window's attribution maps, aligned across an indel so that the
same genome bases share a column and an insertion's bases stand in columns
of their own (a gap in the reference's map)."""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from sklearn.frozen import FrozenEstimator

from .explain import SaliencyExplainer
from .genome import open_genome
from .inference.engine import model_width
from .variant_windows import Variant, allele_windows, shared_prefix
from .vcf import matching_chromosome


@dataclass(frozen=True)
class AlleleAttributions:
    """Aligned maps of the scored alleles (``scored`` indexes ``variants``).

    ``ref_maps`` and ``alt_maps`` have shape (n_scored, 4, columns), NaN in a
    gap (bases the other allele has here) or past the end of a window;
    ``ref_tracks`` and ``alt_tracks`` are the windows' bases in the same
    columns, ``-`` in a gap and a space past a window's end."""

    variants: list[Variant]
    status: np.ndarray
    scored: np.ndarray
    ref_maps: np.ndarray
    alt_maps: np.ndarray
    ref_tracks: list[str]
    alt_tracks: list[str]


def _aligned(matrix: np.ndarray, bases: str, start: int, length: int, before: int,
             allele: int, after: int, shared: int) -> tuple[np.ndarray, str]:
    """A window's map and bases laid into ``before + allele + after``
    columns: its ``start`` columns before the allele right-aligned, the
    allele's ``length`` columns with a gap after its ``shared`` first ones,
    the rest left-aligned."""
    out = np.full((4, before + allele + after), np.nan, dtype=np.float32)
    letters = [" "] * out.shape[1]
    pieces = ((0, start, before - start),  # (from, to) of the window -> first column
              (start, start + shared, before),
              (start + shared, start + length, before + allele - (length - shared)),
              (start + length, matrix.shape[1], before + allele))
    for first, last, column in pieces:
        out[:, column:column + last - first] = matrix[:, first:last]
        letters[column:column + last - first] = bases[first:last]
    for column in range(before + shared, before + allele - (length - shared)):
        letters[column] = "-"
    return out, "".join(letters)


def allele_attributions(estimator: object, variants: list[Variant],
                        genome: str | os.PathLike | object, *, width: int | None = None,
                        window: str = "left", method: str = "gradient_x_input",
                        target: object = None) -> AlleleAttributions:
    """The attribution maps of each allele's two windows
    (:func:`~sklearn_demo.variant_windows.allele_windows`, ``width`` and
    ``window`` as for :func:`~sklearn_demo.variants.variant_effects`), by
    :class:`~sklearn_demo.explain.SaliencyExplainer` (``method``, the
    positive class's log-odds; ``target``: a multi-task model's task),
    aligned: the bases before the allele, the allele (the longer one's
    length; the shorter has a gap after the bases both share, VCF's anchor
    base), then the bases after it, column for column.

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(60, sequence_length=30, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> genome = {"chr1": "ACGT" * 25}
    >>> maps = allele_attributions(clf, [Variant("chr1", 41, ".", "A", "ATTT")], genome)
    >>> maps.ref_tracks[0][11:19], maps.alt_tracks[0][11:19]
    ('ACGTA---', 'ACGTATTT')
    >>> np.isnan(maps.ref_maps[0][:, 16:19]).all(), np.isnan(maps.alt_maps[0][:, 16:19]).any()
    (np.True_, np.False_)
    """
    width = model_width(estimator, width)
    fasta = genome if isinstance(genome, dict) else open_genome(genome)
    names = set(fasta.keys())
    found = [allele_windows(fasta, v, width, window,
                            chrom=matching_chromosome(v.chrom, names) or v.chrom)
             for v in variants]
    scored = np.array([i for i, w in enumerate(found) if w.status == "ok"], dtype=np.int64)
    status = np.array([w.status for w in found])
    if not len(scored):
        empty = np.zeros((0, 4, width), dtype=np.float32)
        return AlleleAttributions(variants, status, scored, empty, empty, [], [])
    explainer = SaliencyExplainer(FrozenEstimator(estimator), method=method,
                                  class_score="logit", target=target).fit([found[scored[0]].ref])
    ref_maps = explainer.transform([found[i].ref for i in scored])
    alt_maps = explainer.transform([found[i].alt for i in scored])
    before = max(max(found[i].ref_start, found[i].alt_start) for i in scored)
    allele = max(max(len(variants[i].ref), len(variants[i].alt)) for i in scored)
    after = max(width - min(found[i].ref_start + len(variants[i].ref),
                            found[i].alt_start + len(variants[i].alt)) for i in scored)
    out = {"ref": ([], []), "alt": ([], [])}
    for k, i in enumerate(scored):
        v, w = variants[i], found[i]
        shared = shared_prefix(v.ref, v.alt)
        for key, matrix, bases, start, length in (
                ("ref", ref_maps[k], w.ref, w.ref_start, len(v.ref)),
                ("alt", alt_maps[k], w.alt, w.alt_start, len(v.alt))):
            aligned, letters = _aligned(matrix, bases, start, length, before, allele, after,
                                        shared)
            out[key][0].append(aligned)
            out[key][1].append(letters)
    return AlleleAttributions(variants, status, scored, np.stack(out["ref"][0]),
                              np.stack(out["alt"][0]), out["ref"][1], out["alt"][1])
