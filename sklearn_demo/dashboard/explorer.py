"""The app's engine: every loaded model's reading of one sequence, cached.

:class:`SequenceExplorer` holds the models, the loaded test set and the
motifs, and answers what the app asks: p(bound) and the maps of a sequence
(:meth:`~SequenceExplorer.read`), a variant's effect, the test-set table, the
motif hits in a sequence. It knows nothing of the page, so it is tested and
timed without a browser; :mod:`~sklearn_demo.dashboard.app` draws it.
"""
from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import auc, roc_curve

from ..labels import positive_class, positive_proba, probability_name
from ..motifs import MotifMatch, scan_motifs
from ..persistence import load_model
from ..variant_motifs import change_names, motif_changes
from .explanations import ATTRIBUTION_METHODS
from .train import per_task
from .user_sequences import (  # noqa: F401 (the app's inputs, also reached from here)
    MAX_LENGTH, MAX_UPLOAD_BYTES, LoadedSequences, check_sequence, load_sequences,
    aligned_alleles, apply_allele, parse_allele, parse_fasta_upload, parse_sequence_text,
)

#: The map views the app can show under each model, by key.
VIEWS = ("attribution", "temporal", "mutations")

#: The attribution the app opens with: signed, one gradient pass per model,
#: so an edit updates every model at typing speed; expected gradients (the
#: report's choice) is one click away.
DEFAULT_METHOD = "gradient x input (logit)"


#: Readings kept per explorer (sequence, method and view), most recent first.
CACHE_SIZE = 256


@dataclass(frozen=True)
class ModelReading:
    """One model's view of one sequence."""

    name: str
    p_bound: float
    """The probability of the models' positive class (``pos_label_``)."""
    attribution: np.ndarray | None
    """(4, L) attribution of the chosen method, or None when not asked for."""
    temporal: np.ndarray | None
    """(2, L) forward and backward temporal scores, or None."""
    mutations: np.ndarray | None
    """(4, L) change in log-odds of every substitution (ISM), 0 at the base
    present, or None."""


@dataclass(frozen=True)
class VariantEffect:
    """One model's p(bound) for the reference and an alternative base."""

    name: str
    p_ref: float
    p_alt: float

    @property
    def delta(self) -> float:
        return self.p_alt - self.p_ref


@dataclass(frozen=True)
class AlleleComparison:
    """A typed variant of the open sequence (:meth:`SequenceExplorer.allele`)."""

    position: int
    ref: str
    alt: str
    effects: list[VariantEffect]
    ref_track: str
    """The reference around the variant, gaps (``-``) where ALT is longer."""
    alt_track: str
    """The alternative around the variant, aligned to ``ref_track``."""
    track_start: int
    """1-based position of the tracks' first base."""
    gained: list[str]
    """Motifs (``name(strand)``) whose FIMO hits the variant creates."""
    lost: list[str]
    """Motifs whose hits it destroys."""


@dataclass(frozen=True)
class FoundMotif:
    """A motif a model gave, with its JASPAR matches."""

    model: str
    source: str
    """``"class-optimised 1"``, ``"filter 12"``, ``"TF-MoDISco pattern_0"``..."""
    pwm: np.ndarray
    """(4, w) base probabilities."""
    matches: tuple[MotifMatch, ...]

    @property
    def label(self) -> str:
        best = (f"{self.matches[0].name} {self.matches[0].matrix_id} "
                f"({self.matches[0].evidence})" if self.matches else "no JASPAR match")
        return f"{self.model} · {self.source} · {best}"


class SequenceExplorer:
    """Every loaded model's p(bound) and maps for any sequence, with a test
    set and motifs to open; results are cached by sequence.

    Parameters
    ----------
    models : mapping of name -> fitted CNNClassifier, RNNClassifier or CNNRNNClassifier
    data : LoadedSequences, optional
        The sequences listed in the app's table (labels for ROC curves and
        false positives / negatives).
    motifs : sequence of FoundMotif, optional
        Motifs to list (from a report folder); :meth:`compute_motifs` adds
        the class-optimised motifs and filters of models without any.

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(60, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> explorer = SequenceExplorer({"cnn": clf})
    >>> reading = explorer.read(data.X[0])["cnn"]
    >>> reading.attribution.shape, reading.temporal.shape, reading.mutations.shape
    ((4, 101), (2, 101), (4, 101))
    """

    def __init__(self, models: Mapping[str, object], data: LoadedSequences | None = None,
                 motifs: Sequence[FoundMotif] = ()):
        if not models:
            raise ValueError("the explorer needs at least one model.")
        self.models = per_task(models)
        self.data = data
        self.motifs = list(motifs)
        self._explainers: dict[tuple[str, str], object] = {}
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._table = None
        self._loaded_p: dict[str, np.ndarray] | None = None

    def _explainer(self, name: str, kind: str, example: str):
        """The fitted explainer of model ``name`` for ``kind`` (a method label
        of ``ATTRIBUTION_METHODS``, or "temporal"), made once."""
        from ..explain import SaliencyExplainer, TemporalScorer

        key = (name, kind)
        if key not in self._explainers:
            frozen = FrozenEstimator(self.models[name])
            explainer = (TemporalScorer(frozen) if kind == "temporal"
                         else SaliencyExplainer(frozen, **ATTRIBUTION_METHODS[kind]))
            self._explainers[key] = explainer.fit([example])
        return self._explainers[key]

    def _cached(self, key: tuple, compute):
        """``compute()``, or its cached value; the app's sessions call this
        from several threads, so the cache is read and written under a lock
        (the computation itself runs outside it)."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._lock:
            self._cache[key] = value
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    @property
    def probability_names(self) -> dict[str, str]:
        """Model name -> how its probability is named ("p(bound)", or
        "p(LABEL)" for another positive label)."""
        return {name: probability_name(model) for name, model in self.models.items()}

    def p_bound(self, sequences: Sequence[str]) -> dict[str, np.ndarray]:
        """Model name -> p(bound) of each sequence: the probability of its
        positive class (``pos_label_``)."""
        return {name: positive_proba(model, np.asarray(sequences, dtype=str))
                for name, model in self.models.items()}

    def read(self, sequence: str, *, method: str = DEFAULT_METHOD,
             views: Sequence[str] = VIEWS) -> dict[str, ModelReading]:
        """Every model's p(bound) and the asked-for maps of ``sequence``.

        Parameters
        ----------
        sequence : str
            Checked DNA (see :func:`check_sequence`).
        method : str, default=DEFAULT_METHOD
            A label of ``ATTRIBUTION_METHODS``.
        views : sequence of str, default=VIEWS
            Which maps to compute: "attribution", "temporal", "mutations".
        """
        if method not in ATTRIBUTION_METHODS:
            raise ValueError(f"unknown attribution method {method!r}; choose from "
                             f"{', '.join(ATTRIBUTION_METHODS)}.")
        unknown = set(views) - set(VIEWS)
        if unknown:
            raise ValueError(f"unknown view(s) {sorted(unknown)}; choose from {VIEWS}.")
        readings = {}
        for name, model in self.models.items():
            try:
                readings[name] = self._read_one(name, sequence, method, views)
            except (RuntimeError, ValueError) as exc:
                raise ValueError(f"{name} cannot read this {len(sequence)}-base sequence: "
                                 f"{str(exc).splitlines()[0]}") from None
        return readings

    def _read_one(self, name: str, sequence: str, method: str,
                  views: Sequence[str]) -> ModelReading:
        model = self.models[name]

        def compute(kind: str):
            explainer = self._explainer(name, kind, sequence)
            return explainer.transform([sequence])[0]

        p = self._cached((name, sequence, "p"),
                         lambda: float(positive_proba(model, np.array([sequence]))[0]))
        attribution = temporal = mutations = None
        if "attribution" in views:
            attribution = self._cached((name, sequence, method), lambda: compute(method))
        if "temporal" in views:
            temporal = self._cached((name, sequence, "temporal"), lambda: compute("temporal"))
        if "mutations" in views:
            ism = "in-silico mutagenesis (logit)"
            mutations = self._cached((name, sequence, ism), lambda: compute(ism))
        return ModelReading(name, p, attribution, temporal, mutations)

    def dependencies(self, sequence: str) -> dict[str, tuple[object, np.ndarray]]:
        """Model name -> the site interactions of ``sequence`` at the sites the
        model reads (:func:`~sklearn_demo.site_interactions`) and its pairwise
        map (L, L) by DFIM (:class:`~sklearn_demo.InteractionExplainer`)."""
        from ..explain import InteractionExplainer, site_interactions
        from .dependencies import SITE_SHUFFLES

        def compute(name: str):
            model = self.models[name]
            sites = site_interactions(model, [sequence], n_shuffles=SITE_SHUFFLES,
                                      random_state=0)[0]
            pairwise = InteractionExplainer(FrozenEstimator(model)).fit([sequence]).transform(
                [sequence])[0]
            return sites, pairwise

        return {name: self._cached(("dependencies", name, sequence),
                                   lambda name=name: compute(name)) for name in self.models}

    def grammar_backgrounds(self, sequence: str) -> list[str]:
        """What the Grammar tab shuffles into backgrounds: the loaded set's
        unbound sequences (all loaded ones without labels), at most 50, or
        ``sequence`` when nothing is loaded."""
        if self.data is None or not len(self.data.sequences):
            return [sequence]
        chosen = (~self.bound_mask() if self.data.labels is not None
                  else np.ones(len(self.data.sequences), bool))
        return [str(s) for s in np.asarray(self.data.sequences)[chosen][:50]] or [sequence]

    def spacing_scans(self, first: str, second: str, sequence: str) -> dict[str, object]:
        """Model name -> :func:`~sklearn_demo.motif_spacing` of the motifs
        ``first`` and ``second`` (DNA) at every other gap that fits, in
        :data:`~.dependencies.SCAN_BACKGROUNDS` shuffles of
        :meth:`grammar_backgrounds`, seed 0: the report's scan."""
        from ..explain import motif_spacing
        from .dependencies import SCAN_BACKGROUNDS, SCAN_STEP

        backgrounds = self.grammar_backgrounds(sequence)
        widest = len(backgrounds[0]) - len(first) - len(second)
        if widest < 0:
            raise ValueError(f"the motifs ({len(first)} and {len(second)} bases) are longer "
                             f"together than the backgrounds ({len(backgrounds[0])} bases).")
        return {name: motif_spacing(model, first, second, spacings=range(0, widest + 1, SCAN_STEP),
                                    backgrounds=SCAN_BACKGROUNDS, sequences=backgrounds,
                                    random_state=0)
                for name, model in self.models.items()}

    def allele(self, sequence: str, text: str, *, flank: int = 15) -> AlleleComparison:
        """Every model's p(bound) of ``sequence`` and of the sequence with a
        typed variant (``"145 G>GTT"``, ``"145 GCA>G"``, ``"50 C>T"``; see
        :func:`parse_allele`) applied, the two alleles aligned with gaps
        over ``flank`` bases either side, and the motifs of the Motifs table
        (:attr:`motifs`) whose FIMO hits the variant creates or destroys."""
        position, ref, alt = parse_allele(text, sequence)
        mutant = apply_allele(sequence, position, ref, alt)
        p_ref, p_alt = self.p_bound([sequence]), self.p_bound([mutant])  # lengths may differ
        effects = [VariantEffect(name, float(p_ref[name][0]), float(p_alt[name][0]))
                   for name in p_ref]
        start = max(0, position - 1 - flank)
        after = position - 1 + len(ref)
        ref_gapped, alt_gapped = aligned_alleles(ref, alt)
        left, right = sequence[start:position - 1], sequence[after:after + flank]
        gained, lost = [[]], [[]]
        if self.motifs:
            named = {}
            for motif in self.motifs:
                name = motif.matches[0].name if motif.matches else f"{motif.model} {motif.source}"
                named.setdefault(name, motif.pwm)
            changes = motif_changes([sequence], [mutant], [(position - 1, after)],
                                    [(position - 1, position - 1 + len(alt))], named)
            gained, lost = change_names(changes, 1)
        return AlleleComparison(position, ref, alt, effects, left + ref_gapped + right,
                                left + alt_gapped + right, start + 1, gained[0], lost[0])

    def table(self):
        """The loaded sequences with every model's p(bound), label, calls and
        the largest disagreement between two models (pandas DataFrame,
        computed once)."""
        import pandas as pd

        if self._table is None:
            if self.data is None:
                self._table = pd.DataFrame(columns=["name", "length"])
                return self._table
            p = self._loaded_p_bound()
            frame = pd.DataFrame({"name": self.data.names,
                                  "length": [len(s) for s in self.data.sequences]})
            if self.data.labels is not None:
                frame["label"] = [str(label) for label in self.data.labels]
            for name, values in p.items():
                frame[f"p {name}"] = np.round(values, 3)
            matrix = np.column_stack(list(p.values()))
            frame["disagreement"] = np.round(matrix.max(axis=1) - matrix.min(axis=1), 3)
            if self.data.labels is not None:
                bound = self.bound_mask()
                calls = {name: values > self.models[name].threshold for name, values in p.items()}
                frame["false positive of"] = [
                    ", ".join(n for n in calls if calls[n][i] and not bound[i])
                    for i in range(len(frame))]
                frame["false negative of"] = [
                    ", ".join(n for n in calls if not calls[n][i] and bound[i])
                    for i in range(len(frame))]
            self._table = frame
        return self._table

    def _loaded_p_bound(self) -> dict[str, np.ndarray]:
        """:meth:`p_bound` of the loaded sequences, computed once."""
        if self._loaded_p is None:
            self._loaded_p = self.p_bound(self.data.sequences)
        return self._loaded_p

    def bound_mask(self) -> np.ndarray:
        """Which loaded sequences are labelled with the models' positive
        class (``pos_label_``)."""
        positive = positive_class(next(iter(self.models.values())))
        return np.array([str(label) == str(positive) for label in self.data.labels])

    def roc_curves(self) -> dict[str, tuple[np.ndarray, np.ndarray, float]]:
        """Model name -> (false positive rate, true positive rate, AUC) on the
        labelled loaded sequences; empty without labels or with one class."""
        if self.data is None or self.data.labels is None:
            return {}
        bound = self.bound_mask()
        if bound.all() or not bound.any():
            return {}
        curves = {}
        for name, p in self._loaded_p_bound().items():  # not the table's rounded p
            fpr, tpr, _ = roc_curve(bound, p)
            curves[name] = (fpr, tpr, float(auc(fpr, tpr)))
        return curves

    def motif_hits(self, motif: FoundMotif, sequence: str, *, threshold: float = 1e-3,
                   pseudocount: float = 0.1):
        """FIMO hits (memelite) of ``motif`` in ``sequence``: a DataFrame with
        ``start``, ``end`` (0-based, end excluded), ``strand``, ``p_value``.

        The motif is scanned as ``(1 - pseudocount) * pwm + pseudocount / 4``,
        MEME's motif pseudocount: class-optimised inputs and filters are
        nearly one-hot, and a zero probability would forbid any mismatch."""
        smoothed = (1 - pseudocount) * np.asarray(motif.pwm, dtype=float) + pseudocount / 4
        return self._cached(("hits", motif.label, sequence, threshold, pseudocount),
                            lambda: scan_motifs({motif.label: smoothed}, [sequence],
                                                threshold=threshold))

    def compute_motifs(self, *, n_iter: int = 300, n_restarts: int = 4,
                       random_state: int = 0) -> list[FoundMotif]:
        """Class-optimised motifs (and first-layer filters of the convolutional
        models, read on the loaded sequences) of every model that has none,
        matched to JASPAR; added to :attr:`motifs` and returned."""
        from ..estimators import RNNClassifier
        from ..explain import ClassOptimizer, filter_aurocs, first_layer_pwms
        from ..motifs import match_motifs

        have = {motif.model for motif in self.motifs}
        example = self.data.sequences[:1] if self.data is not None else ["A" * 101]
        added = []
        for name, model in self.models.items():
            if name in have:
                continue
            frozen = FrozenEstimator(model)
            optimizer = ClassOptimizer(frozen, n_restarts=n_restarts, n_iter=n_iter,
                                       random_state=random_state).fit(example)
            for i, (pwm, matches) in enumerate(zip(optimizer.motifs_, optimizer.match())):
                added.append(FoundMotif(name, f"class-optimised {i + 1}", pwm, tuple(matches)))
            if isinstance(model, RNNClassifier) or self.data is None:
                continue
            sample = self.data.sequences[:2000]
            pwms, sites = first_layer_pwms(frozen, sample)
            informative = np.flatnonzero(sites > 0)
            bound = None if self.data.labels is None else self.bound_mask()[:2000]
            if bound is not None and len(set(bound)) == 2:
                aurocs = filter_aurocs(frozen, sample, bound)
                informative = [i for i in informative if aurocs[i] >= 0.6]
            chosen = list(informative)[:12]
            for i, matches in zip(chosen, match_motifs([pwms[i] for i in chosen])):
                added.append(FoundMotif(name, f"filter {i}", pwms[i], tuple(matches)))
        self.motifs += added
        return added


def report_motifs(folder: str | os.PathLike, names: Sequence[str]) -> list[FoundMotif]:
    """The motifs a dashboard report saved in ``folder/data`` for the models
    ``names``: class-optimised windows, the filters that separate the classes
    (AUROC >= 0.6, at most 12) and TF-MoDISco patterns, with their matches."""
    data = Path(folder) / "data"
    found = []

    def matches(rows) -> tuple[MotifMatch, ...]:
        return tuple(MotifMatch(**row) for row in rows)

    for name in names:
        key = name.lower()
        class_file = data / f"{key}_class_optimization.json"
        if class_file.is_file():
            saved = json.loads(class_file.read_text())
            for i, (pwm, rows) in enumerate(zip(saved["motif_windows"],
                                                saved["jaspar_matches"]), start=1):
                found.append(FoundMotif(name, f"class-optimised {i}", np.array(pwm),
                                        matches(rows)))
        filter_file = data / f"{key}_filters.json"
        if filter_file.is_file():
            saved = json.loads(filter_file.read_text())
            aurocs = np.array(saved["auroc_positives_vs_negatives"], dtype=float)
            firing = [i for i in np.argsort(-aurocs, kind="stable")
                      if aurocs[i] >= 0.6 and saved["n_sites"][i] > 0][:12]
            found += [FoundMotif(name, f"filter {i}", np.array(saved["pwms"][i]),
                                 matches(saved["jaspar_matches"][i])) for i in firing]
        discovered_file = data / f"{key}_discovered_motifs.json"
        if discovered_file.is_file():
            found += [FoundMotif(name, f"TF-MoDISco {m['name']}", np.array(m["pwm"]),
                                 matches(m["jaspar_matches"]))
                      for m in json.loads(discovered_file.read_text())]
    return found


def open_report(folder: str | os.PathLike, *, device: str = "cpu") -> SequenceExplorer:
    """An explorer of what ``sklearn-demo dashboard --out folder`` wrote: its
    saved networks (``models/*.pt``, named by file stem), its test sequences
    (``data/test_sequences.tsv``) and the motifs of its report."""
    folder = Path(folder)
    files = sorted((folder / "models").glob("*.pt"))
    if not files:
        raise FileNotFoundError(f"{folder} holds no saved models (models/*.pt): give a folder "
                                "written by `sklearn-demo dashboard --out`, or --model files.")
    models = {path.stem: load_model(path, device=device) for path in files}
    tests = folder / "data" / "test_sequences.tsv"
    data = load_sequences(tests) if tests.is_file() else None
    return SequenceExplorer(models, data, report_motifs(folder, list(models)))
