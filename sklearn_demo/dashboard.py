"""The dashboard: train, score and explain DeMo's models, and write one report.

:func:`load_dashboard_data` reads the data (the embedded planted-motif set by
default), :func:`train_models` fits the requested networks and baselines,
:func:`explain_model` runs the three DeMo visualisations and the filter
motifs on one fitted network, and :func:`write_dashboard` turns it all into
``index.html`` with the numbers behind every figure in ``data/``.
"""
from __future__ import annotations

import html
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

from .baselines import GappedKmerSVC, KmerClassifier
from .datasets import fetch_deepbind_encode, make_motif_dataset, read_training_file
from .estimators import CNNClassifier, CNNRNNClassifier, RNNClassifier, reverse_complement
from .explain import (
    ClassOptimizer, OrderEffect, SaliencyExplainer, TemporalScorer, first_layer_pwms,
    order_effect,
)
from .explain.ground_truth import position_importance, site_auroc
from .io import sniff_format
from .motifs import MotifMatch, match_motifs
from .report import Panel, ReportWriter, Section, figure_html, table_html

NETWORKS = {"cnn": CNNClassifier, "rnn": RNNClassifier, "cnnrnn": CNNRNNClassifier}
BASELINES = {"kmer": KmerClassifier, "gkm": GappedKmerSVC}

Log = Callable[[str], None]

#: Attribution methods scored against planted sites, by their label in the
#: report; ``ATTRIBUTION`` is the one the saliency panels show. Expected
#: gradients (``deepshap``) ranks planted positions well above DeMo's saliency
#: and within 0.03 of ISM, the best measured (``benchmarks/RESULTS.md``,
#: "Explainers"), and unlike ISM it gives the present base a signed share, so
#: its logo reads as a motif; DeMo's own map is the first entry.
ATTRIBUTION_METHODS = {
    "DeMo saliency |d log p / dx| x": dict(method="saliency", class_score="log_proba"),
    "gradient x input (logit)": dict(method="gradient_x_input", class_score="logit"),
    "in-silico mutagenesis (logit)": dict(method="ism", class_score="logit"),
    "expected gradients / DeepSHAP (logit)": dict(method="deepshap", n_samples=100),
}
ATTRIBUTION = "expected gradients / DeepSHAP (logit)"


@dataclass
class DashboardData:
    """Training and test sequences, and the planted truth when there is one."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    sites_test: list | None = None
    """Per test sequence, its planted ``(motif_id, start, end, strand)`` sites."""
    planted: dict = field(default_factory=dict)
    """Planted motif id -> (name, (4, w) probability matrix)."""
    whole: bool = False
    """True when the training and test set are the same sequences (no split)."""
    grammar: str | None = None
    """The planted order grammar ("pure" or "mixed"), if any: the label depends
    on the order of the two planted motifs (see :func:`make_motif_dataset`)."""

    def summary(self) -> str:
        """One line: the data's name and size."""
        if self.whole:
            return f"{self.name}: {len(self.X_test)} sequences"
        return f"{self.name}: {len(self.X_train)} training and {len(self.X_test)} test sequences"


def load_dashboard_data(
    paths: Sequence[str | os.PathLike] = (),
    *,
    dataset: str | None = None,
    n_samples: int = 3000,
    test_size: float = 0.25,
    seed: int = 0,
    data_home: str | None = None,
    mirror: str | None = None,
    split: bool = True,
    grammar: str | None = None,
) -> DashboardData:
    """Read the dashboard's data.

    * no ``paths`` and no ``dataset``: :func:`make_motif_dataset` with
      planted JASPAR CTCF and GABPA sites (``n_samples`` sequences), with
      the order ``grammar`` "pure" or "mixed" if given;
    * ``dataset``: a DeepBind ENCODE set through :func:`fetch_deepbind_encode`
      (its own ``_AC`` training and ``_B`` test files);
    * two DeepBind ``.seq(.gz)`` files: training and test set;
    * two FASTA files: positives and negatives;
    * one file (FASTA of positives, DeepBind or ``sequence<TAB>label`` TSV):
      read by :func:`read_training_file`.

    Data without its own test set is split ``test_size`` stratified, or,
    with ``split=False`` (to explain or train on all of it), used whole as
    both the training and the test set.

    Examples
    --------
    >>> data = load_dashboard_data(n_samples=40)
    >>> len(data.X_train), len(data.X_test), sorted(data.planted)
    (30, 10, ['MA0062', 'MA0139'])
    """
    paths = list(paths)
    if dataset and paths:
        raise ValueError("give either a dataset name or data files, not both.")
    if grammar is not None and (dataset or paths):
        raise ValueError("a grammar applies to the embedded planted-motif data only; "
                         "do not give it with a dataset or data files.")
    if dataset:
        data = fetch_deepbind_encode(dataset, data_home=data_home, mirror=mirror,
                                     random_state=seed)
        return DashboardData(data.name, data.X_train, data.y_train, data.X_test, data.y_test)
    if not paths:
        planted = make_motif_dataset(n_samples, grammar=grammar, random_state=seed)
        train, test = _split(np.arange(len(planted.X)), planted.y, test_size, seed, split)
        motifs = {mid: (planted.motif_names[mid], pwm) for mid, pwm in planted.motifs.items()}
        joined = (" then " if grammar else " + ").join(name for name, _ in motifs.values())
        name = (f"planted {joined} sites" + (f", {grammar} order grammar" if grammar else "")
                + " (synthetic)")
        return DashboardData(name, planted.X[train], planted.y[train], planted.X[test],
                             planted.y[test], [planted.sites[i] for i in test], motifs,
                             whole=not split, grammar=grammar)
    if len(paths) > 2:
        raise ValueError(f"--data takes one or two files, got {len(paths)}.")
    formats = [sniff_format(path) for path in paths]
    name = " + ".join(os.path.basename(str(path)) for path in paths)
    if formats == ["deepbind", "deepbind"]:
        X_train, y_train = read_training_file(paths[0], random_state=seed)
        X_test, y_test = read_training_file(paths[1], random_state=seed + 1)
        return DashboardData(name, X_train, y_train, X_test, y_test)
    if len(paths) == 2 and formats != ["fasta", "fasta"]:
        raise ValueError(
            f"two data files must be a DeepBind training/test pair or FASTA positives and "
            f"negatives; got {formats[0]} ({paths[0]}) and {formats[1]} ({paths[1]}).")
    X, y = read_training_file(paths[0], paths[1] if len(paths) == 2 else None,
                              random_state=seed)
    if len(np.unique(y)) != 2:
        raise ValueError(f"{name} must hold two classes; found {np.unique(y).tolist()}.")
    train, test = _split(np.arange(len(X)), y, test_size, seed, split)
    return DashboardData(name, X[train], y[train], X[test], y[test], whole=not split)


def _split(index: np.ndarray, y: np.ndarray, test_size: float, seed: int, split: bool):
    if not split:
        return index, index
    return train_test_split(index, test_size=test_size, stratify=y, random_state=seed)


def make_estimator(key: str, *, epochs: int, device: str, seed: int, verbose: int):
    """A network or baseline by its short name (see ``NETWORKS``, ``BASELINES``)."""
    if key in NETWORKS:
        return NETWORKS[key](max_epochs=epochs, device=device, random_state=seed,
                             verbose=verbose)
    if key in BASELINES:
        return BASELINES[key]()  # deterministic: no seed to take
    raise ValueError(f"unknown model {key!r}; choose from "
                     f"{', '.join(list(NETWORKS) + list(BASELINES))}.")


def train_models(
    keys: Sequence[str], data: DashboardData, *, epochs: int = 20, device: str = "cpu",
    seed: int = 0, verbose: int = 1, max_train_gkm: int | None = 4000, log: Log = print,
) -> tuple[dict[str, object], dict[str, dict[str, float]]]:
    """Fit each named model on the training set.

    Parameters
    ----------
    max_train_gkm : int or None, default=4000
        gkm-SVM's kernel is quadratic in the number of training sequences
        (hours beyond about 10,000), so it trains on a stratified random
        subset of at most this many; None trains it on everything.

    Returns
    -------
    models : dict of class name -> fitted model
    training : dict of class name -> {"train_seconds", "train_sequences"}

    Examples
    --------
    >>> data = load_dashboard_data(n_samples=60)
    >>> models, training = train_models(["kmer"], data, log=lambda _: None)
    >>> list(models), training["KmerClassifier"]["train_sequences"]
    (['KmerClassifier'], 45)
    """
    if max_train_gkm is not None and not (isinstance(max_train_gkm, int) and max_train_gkm >= 2):
        raise ValueError(f"max_train_gkm must be an integer of at least 2 or None, "
                         f"got {max_train_gkm!r}.")
    fitted, training = {}, {}
    for key in keys:
        model = make_estimator(key, epochs=epochs, device=device, seed=seed, verbose=verbose)
        name = type(model).__name__
        X, y = data.X_train, data.y_train
        if key == "gkm" and max_train_gkm is not None and len(X) > max_train_gkm:
            keep, _ = train_test_split(np.arange(len(X)), train_size=max_train_gkm,
                                       stratify=y, random_state=seed)
            X, y = X[keep], y[keep]
            log(f"training {name} on a stratified random {len(X)} of the {len(data.X_train)} "
                f"training sequences (max_train_gkm; its kernel is quadratic)")
        else:
            log(f"training {name} on {len(X)} sequences")
        start = time.perf_counter()
        fitted[name] = model.fit(X, y)
        training[name] = {"train_seconds": time.perf_counter() - start,
                          "train_sequences": len(X)}
    return fitted, training


def score_models(
    models: Mapping[str, object], X: np.ndarray, y: np.ndarray,
    training: Mapping[str, Mapping[str, float]] | None = None,
) -> tuple[list[dict], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Test AUC and AUPRC of each model, and its (y_true, score) for curves.

    Examples
    --------
    >>> data = load_dashboard_data(n_samples=60)
    >>> models, training = train_models(["kmer"], data, log=lambda _: None)
    >>> rows, curves = score_models(models, data.X_test, data.y_test, training)
    >>> sorted(rows[0])
    ['model', 'predict_seconds', 'test_auc', 'test_auprc', 'train_seconds', 'train_sequences']
    """
    rows, curves = [], {}
    for name, model in models.items():
        start = time.perf_counter()
        score = model.predict_proba(X)[:, 1]
        predict_s = time.perf_counter() - start
        positive = (np.asarray(y) == model.classes_[1]).astype(int)
        row = {"model": name, "test_auc": float(roc_auc_score(positive, score)),
               "test_auprc": float(average_precision_score(positive, score))}
        if training is not None:
            row["train_seconds"] = round(training[name]["train_seconds"], 1)
            row["train_sequences"] = training[name]["train_sequences"]
        rows.append({**row, "predict_seconds": round(predict_s, 3)})
        curves[name] = (positive, score)
    return rows, curves


@dataclass
class ModelExplanation:
    """Everything the dashboard shows for one network."""

    name: str
    examples: np.ndarray
    """The explained sequences: the test positives the model scores highest."""
    example_scores: np.ndarray
    example_sites: list
    saliency: np.ndarray
    """(n_examples, 4, L) attributions of the logit by ``ATTRIBUTION`` (expected
    gradients against dinucleotide-shuffled references) at every base."""
    temporal: np.ndarray
    """(n_examples, 2, L) forward and backward output scores."""
    class_motifs: np.ndarray
    """(n_restarts, 4, w) the class-optimised input's motif windows, best first."""
    class_scores: np.ndarray
    class_matches: list
    class_pwm: np.ndarray
    """(4, L) the best class-optimised input."""
    filter_pwms: np.ndarray | None = None
    filter_sites: np.ndarray | None = None
    filter_matches: list | None = None
    order: OrderEffect | None = None
    """With an order grammar: the forward-score jump at the second motif of
    the test positives, with and without the first motif before it."""
    site_aurocs: dict[str, float] = field(default_factory=dict)
    """With planted data: per attribution method (``ATTRIBUTION_METHODS``), the
    AUROC of per-position importance for planted vs other positions."""

    def firing_filters(self) -> list[int]:
        """Filters that fire on the training positives: a filter that never
        fires has a uniform matrix, whose JASPAR "matches" mean nothing."""
        if self.filter_sites is None:
            return []
        return [int(i) for i in np.flatnonzero(self.filter_sites > 0)]


def explain_model(
    model: object,
    data: DashboardData,
    *,
    n_examples: int = 3,
    n_restarts: int = 8,
    n_iter: int = 1000,
    n_matches: int = 5,
    seed: int = 0,
    test_scores: np.ndarray | None = None,
) -> ModelExplanation:
    """Run saliency, temporal scores, class optimisation and first-layer
    filter motifs on a fitted network, on the test set.

    ``test_scores`` (p of the positive class for ``data.X_test``, e.g. from
    :func:`score_models`) saves predicting the test set again.

    Examples
    --------
    >>> data = load_dashboard_data(n_samples=60)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X_train, data.y_train)
    >>> result = explain_model(clf, data, n_examples=2, n_restarts=2, n_iter=5)
    >>> result.saliency.shape, result.temporal.shape
    ((2, 4, 101), (2, 2, 101))
    """
    frozen = FrozenEstimator(model)
    positive = np.asarray(data.y_test) == model.classes_[1]
    if not positive.any():
        raise ValueError("the test set holds no positive sequences to explain.")
    score = model.predict_proba(data.X_test)[:, 1] if test_scores is None else test_scores
    candidates = np.flatnonzero(positive)
    chosen = candidates[np.argsort(-score[candidates], kind="stable")[:n_examples]]
    examples = data.X_test[chosen]
    explainer = SaliencyExplainer(frozen, **ATTRIBUTION_METHODS[ATTRIBUTION]).fit(examples)
    saliency = explainer.transform(examples)
    temporal = TemporalScorer(frozen).fit(examples).transform(examples)
    optimizer = ClassOptimizer(frozen, n_restarts=n_restarts, n_iter=n_iter,
                               random_state=seed).fit(examples)
    result = ModelExplanation(
        name=type(model).__name__, examples=examples, example_scores=score[chosen],
        example_sites=[data.sites_test[i] for i in chosen] if data.sites_test else [],
        saliency=saliency, temporal=temporal, class_motifs=optimizer.motifs_,
        class_scores=optimizer.scores_, class_matches=optimizer.match(n_matches=n_matches),
        class_pwm=optimizer.best_pwm_)
    if not isinstance(model, RNNClassifier):
        positives = data.X_train[np.asarray(data.y_train) == model.classes_[1]][:2000]
        result.filter_pwms, result.filter_sites = first_layer_pwms(frozen, positives)
        result.filter_matches = match_motifs(list(result.filter_pwms), n_matches=n_matches)
    if data.sites_test:
        result.site_aurocs = attribution_site_aurocs(model, data)
    if data.grammar:
        pairs = [i for i in np.flatnonzero(positive) if len(data.sites_test[i]) == 2]
        result.order = order_effect(TemporalScorer(frozen).fit(examples), data.X_test[pairs],
                                    [data.sites_test[i] for i in pairs], random_state=seed)
    return result


def attribution_site_aurocs(model: object, data: DashboardData) -> dict[str, float]:
    """AUROC of every attribution method in ``ATTRIBUTION_METHODS`` for planted
    vs other positions, over all test positives of planted data.

    Examples
    --------
    >>> data = load_dashboard_data(n_samples=40)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X_train, data.y_train)
    >>> sorted(attribution_site_aurocs(clf, data)) == sorted(ATTRIBUTION_METHODS)
    True
    """
    positives = np.flatnonzero(np.asarray(data.y_test) == model.classes_[1])
    X = data.X_test[positives]
    frozen = FrozenEstimator(model)
    mask = np.zeros((len(X), len(X[0])), dtype=bool)
    for row, i in enumerate(positives):
        for _, start, end, _ in data.sites_test[i]:
            mask[row, start:end] = True
    aurocs = {}
    for label, params in ATTRIBUTION_METHODS.items():
        attributions = SaliencyExplainer(frozen, **params).fit(X).transform(X)
        aurocs[label] = site_auroc(position_importance(attributions, params["method"]), mask)
    return aurocs


def recovered_motif(
    explanation: ModelExplanation, matrix_id: str
) -> tuple[np.ndarray, str, float] | None:
    """The model's motif (class optimisation or first-layer filter) whose
    JASPAR matches include ``matrix_id`` with the smallest p-value, oriented
    like the JASPAR motif; None if no motif matches it.

    Returns
    -------
    (pwm, source, p_value) or None
    """
    candidates = [(pwm, f"class-optimised input {i + 1}", m)
                  for i, (pwm, m) in enumerate(zip(explanation.class_motifs,
                                                   explanation.class_matches))]
    if explanation.filter_pwms is not None:
        candidates += [(explanation.filter_pwms[i], f"filter {i}", explanation.filter_matches[i])
                       for i in explanation.firing_filters()]
    best = None
    for pwm, source, matches in candidates:
        for match in matches:
            if match.matrix_id.split(".")[0] == matrix_id.split(".")[0] and (
                    best is None or match.p_value < best[2]):
                oriented = reverse_complement(pwm[None])[0] if match.strand == "-" else pwm
                best = (oriented, source, match.p_value)
    return best


def match_label(matches: Sequence[MotifMatch], n: int = 2) -> str:
    """``"CTCF 1e-08, CTCFL 3e-05"``: the first ``n`` matches, short.

    Examples
    --------
    >>> match_label([MotifMatch("MA0139.2", "CTCF", 1e-8, 0, "+")])
    'CTCF 1.0e-08'
    """
    return ", ".join(f"{m.name} {m.p_value:.1e}" for m in matches[:n]) or "no match"


HOW_TO_READ = {
    "glance": (
        "One line per network: its test AUC, the known motif (JASPAR CORE, by TOMTOM) closest "
        "to the input it would most like to see (class optimisation), and the JASPAR motif that "
        "is most often the best match of its first-layer filters (among filters that fire on "
        "the training positives). The panels below show the evidence behind each entry."),
    "comparison": (
        "Each model was fitted on the training set only and scored once on the held-out test "
        "set. AUC is the chance that a random bound sequence scores above a random unbound one "
        "(0.5 = guessing, 1 = perfect); AUPRC is the area under the precision-recall curve and "
        "drops faster than AUC when the positives are hard to rank at the top. Curves closer to "
        "the top-left (ROC) and top-right (PR) corners are better."),
    "saliency": (
        "Attribution maps of the test positives this model scores highest, by expected "
        "gradients (DeepSHAP): the model's log-odds of bound (its logit) split over the input "
        "bases, averaging gradients along paths from dinucleotide-shuffled copies of the "
        "sequence to the sequence itself. The logo (top) shows each present base's share: tall "
        "letters raise the prediction, letters below the line lower it, and a binding site shows "
        "as a run of tall letters. The heatmap (bottom) shows all four bases: red raises the "
        "score, blue lowers it. Shaded spans are the planted sites, where known. Why this method "
        "and not DeMo's saliency |d log p / dx| x: on planted data it ranks the planted "
        "positions well above it (with planted motifs, this report scores every method against "
        "the sites); a single gradient sees only the local slope, which a ReLU or a saturated "
        "max can flatten inside a motif, and log p's gradient carries a factor 1 - p that "
        "vanishes for the confident sequences shown here."),
    "temporal": (
        "The model's output p(bound) after reading the sequence up to each position: forward "
        "(from the left end to position i, blue) and backward (from the right end back to "
        "position i, orange), as DeMo's temporal output scores. A jump in a curve marks where "
        "the model sees the evidence; the heat strips below show the same two curves aligned "
        "with the letters. For the CNN, which has no reading order, the score is computed with "
        "the unread part of the sequence set to zeros."),
    "class": (
        "The input that maximises the model's log-odds of bound (DeMo's class optimisation), "
        "found by gradient ascent with an L2 penalty from random starts. Unlike DeMo, the input "
        "is kept a probability matrix throughout (a softmax over the four bases at every "
        "position), so the matrix shown is exactly the one optimised, and p(bound) in each "
        "title is what the model says when fed that matrix. Each logo is the window of one "
        "restart that the model itself weighs most (gradient x input), with its best JASPAR "
        "CORE matches (TOMTOM p-values; smaller is a closer match). If the model learned a "
        "transcription factor's motif, that factor (or one of its family) should be among the "
        "matches."),
    "filters": (
        "First-layer convolution filters turned into motifs: the input windows where a filter "
        "fires at over half its maximum on the training positives, as base frequencies "
        "(DeepBind/Basset style). Shown: the filters with the closest JASPAR matches, with the "
        "number of windows behind each logo; all filters are in the data file."),
    "dependencies": (
        "The data follow a {grammar} order grammar: a sequence is bound when {first} comes "
        "before {second}, further apart than the CNN's 25 bp receptive field. For every test "
        "positive, each panel shows the model's forward temporal score (p(bound) after reading "
        "the sequence from the left up to each position) around the {second} site, averaged: "
        "blue as the sequence is, gray in a copy whose {first} site was replaced by random "
        "bases. A model that learned the dependency jumps at {second} only when {first} was "
        "read before it (blue rises, gray stays flat): the recurrent layer carries the first "
        "motif in its state. A model that only detects motifs jumps the same in both. A "
        "bidirectional model may carry the dependency in its backward direction instead "
        "(reading {second}, then {first}): the table gives both directions, each jump taken "
        "from 4 bases before the site to 4 bases past it. The CNN has no reading order; its "
        "curve is the score with the unread part set to zeros."),
    "planted": (
        "The motifs planted in the synthetic data (left) beside the closest motif each model "
        "recovered, among its class-optimised inputs and first-layer filters (ranked by the "
        "TOMTOM p-value against the planted JASPAR motif, oriented like it). 'none' means no "
        "recovered motif had the planted one among its top JASPAR matches. The second table gives, "
        "for every attribution method, the AUROC of per-position importance for planted "
        "positions vs all others over every test positive: 0.5 = the map ignores the sites, 1 = "
        "it ranks every site position first. '(shown)' marks the method of the saliency panels."),
}


def _example_title(explanation: ModelExplanation, index: int) -> str:
    return (f"{explanation.name}: test positive #{index + 1}, "
            f"p(bound) = {explanation.example_scores[index]:.3f}")


def _site_labels(sites: Sequence[tuple], planted: Mapping[str, tuple]) -> list[tuple]:
    return [(planted.get(mid, (mid,))[0], start, end, strand)
            for mid, start, end, strand in sites]


def _model_section(writer: ReportWriter, result: ModelExplanation,
                   planted: Mapping[str, tuple]) -> Section:
    from .plotting import plot_logo_grid, plot_saliency, plot_temporal_scores

    key = result.name.lower()
    section = Section(result.name, key)
    sites = [_site_labels(s, planted) for s in result.example_sites] or [[]] * len(result.examples)
    saliency_rows = [{"example": i + 1, "position": pos, "base": letter,
                      **dict(zip("ACGT", result.saliency[i, :, pos].tolist()))}
                     for i, sequence in enumerate(result.examples)
                     for pos, letter in enumerate(sequence)]
    temporal_rows = [{"example": i + 1, "position": pos, "base": letter,
                      "forward": float(result.temporal[i, 0, pos]),
                      "backward": float(result.temporal[i, 1, pos])}
                     for i, sequence in enumerate(result.examples)
                     for pos, letter in enumerate(sequence)]
    for title, kind, alt, plot, values, rows in [
            ("Saliency maps", "saliency", "saliency", plot_saliency, result.saliency,
             saliency_rows),
            ("Temporal output scores", "temporal", "temporal scores", plot_temporal_scores,
             result.temporal, temporal_rows)]:
        section.panels.append(Panel(
            title, HOW_TO_READ[kind],
            "".join(figure_html(plot(values[i], seq, sites=sites[i],
                                     title=_example_title(result, i)),
                                f"{alt} of example {i + 1}")
                    for i, seq in enumerate(result.examples)),
            [writer.write_csv(f"{key}_{kind}.csv", rows)]))
    titles = [f"restart {i + 1}, p(bound) = {score:.3f}\n{match_label(matches)}"
              for i, (score, matches) in enumerate(zip(result.class_scores, result.class_matches))]
    class_file = writer.write_json(f"{key}_class_optimization.json", {
        "best_input_pwm": result.class_pwm, "motif_windows": result.class_motifs,
        "p_bound": result.class_scores,
        "jaspar_matches": [[m._asdict() for m in ms] for ms in result.class_matches]})
    section.panels.append(Panel(
        "Class optimisation", HOW_TO_READ["class"],
        figure_html(plot_logo_grid(list(result.class_motifs), titles, ncols=4),
                    "class-optimised motifs"), [class_file]))
    if result.filter_pwms is not None:
        shown = sorted(result.firing_filters(), key=lambda i: result.filter_matches[i][0].p_value
                       if result.filter_matches[i] else 1.0)[:12]
        filter_file = writer.write_json(f"{key}_filters.json", {
            "pwms": result.filter_pwms, "n_sites": result.filter_sites,
            "jaspar_matches": [[m._asdict() for m in ms] for ms in result.filter_matches]})
        body = (figure_html(plot_logo_grid(
            [result.filter_pwms[i] for i in shown],
            [f"filter {i} ({result.filter_sites[i]} sites)\n{match_label(result.filter_matches[i])}"
             for i in shown], ncols=4), "first-layer filter motifs")
            if shown else '<p class="note">No filter fires on the training positives.</p>')
        section.panels.append(Panel("First-layer filters", HOW_TO_READ["filters"], body,
                                    [filter_file]))
    else:
        section.intro = ("A pure recurrent model has no convolution filters to read as motifs; "
                         "its motifs are shown by class optimisation.")
    return section


def _glance_section(writer: ReportWriter, data: DashboardData, scores, results) -> Section:
    auc = {row["model"]: row["test_auc"] for row in scores[0]} if scores else {}
    rows = []
    for result in results:
        row = {"model": result.name}
        if auc:
            row["test AUC"] = auc.get(result.name)
        row["class optimisation: best JASPAR match"] = match_label(result.class_matches[0], 1)
        if result.filter_matches is not None:
            firing = result.firing_filters()
            tops = Counter(result.filter_matches[i][0].name for i in firing
                           if result.filter_matches[i])
            row["most frequent filter match"] = (
                f"{tops.most_common(1)[0][0]} ({tops.most_common(1)[0][1]} of {len(firing)} "
                f"firing filters)" if tops else "no filter fires")
        else:
            row["most frequent filter match"] = "(no filters)"
        if data.planted:
            found = [data.planted[mid][0] for mid in data.planted if recovered_motif(result, mid)]
            row["planted motifs recovered"] = f"{len(found)}/{len(data.planted)} " + (
                f"({', '.join(found)})" if found else "")
        rows.append(row)
    return Section("At a glance", "glance", [Panel(
        "What each model learned", HOW_TO_READ["glance"], table_html(rows),
        [writer.write_csv("at_a_glance.csv", rows)])])


def _planted_section(writer: ReportWriter, data: DashboardData,
                     results: Sequence[ModelExplanation]) -> Section:
    from .plotting import plot_logo_grid

    pwms, titles, rows = [], [], []
    for mid, (name, pwm) in data.planted.items():
        pwms.append(pwm)
        titles.append(f"planted: {name} ({mid})")
        row = {"planted motif": f"{name} ({mid})"}
        for result in results:
            found = recovered_motif(result, mid)
            pwms.append(None if found is None else found[0])
            titles.append(f"{result.name}: none" if found is None else
                          f"{result.name}: {found[1]}\np = {found[2]:.1e}")
            row[result.name] = "not recovered" if found is None else (
                f"{found[1]} (p = {found[2]:.1e})")
        rows.append(row)
    auroc_rows = [{"model": r.name, **{
        f"{label}{' (shown)' if label == ATTRIBUTION else ''}": auroc
        for label, auroc in r.site_aurocs.items()}} for r in results]
    data_file = writer.write_json("planted_vs_recovered.json", {
        "recovered": rows, "attribution_site_auroc": auroc_rows,
        "planted_pwms": {mid: pwm for mid, (_, pwm) in data.planted.items()}})
    body = (figure_html(plot_logo_grid(pwms, titles, ncols=len(results) + 1),
                        "planted and recovered motifs")
            + table_html(rows) + table_html(auroc_rows))
    return Section("Planted vs recovered", "planted",
                   [Panel("Planted motifs and what each model recovered",
                          HOW_TO_READ["planted"], body, [data_file])])


def _dependency_section(writer: ReportWriter, data: DashboardData,
                        results: Sequence[ModelExplanation]) -> Section:
    from .plotting import plot_order_effect

    effects = {r.name: r.order for r in results if r.order is not None}
    first, second = (name for name, _ in data.planted.values())
    rows = [{"model": name, "test positives": len(effect.forward_jump),
             f"forward jump at {second}, {first} read before": float(effect.forward_jump.mean()),
             f"forward jump at {second}, {first} erased": float(
                 effect.forward_jump_alone.mean()),
             f"backward jump at {first}, {second} read before": float(
                 effect.backward_jump.mean()),
             f"backward jump at {first}, {second} erased": float(
                 effect.backward_jump_alone.mean()),
             "dependency (larger difference)": effect.difference}
            for name, effect in effects.items()]
    data_file = writer.write_csv("motif_dependencies.csv", rows)
    body = figure_html(plot_order_effect(effects), "forward scores around the second motif")
    return Section("Motif dependencies", "dependencies", [Panel(
        f"Does the model read {second} differently after {first}?",
        HOW_TO_READ["dependencies"].format(first=first, second=second, grammar=data.grammar),
        body + table_html(rows), [data_file])])


def write_dashboard(
    out: str | os.PathLike,
    data: DashboardData,
    scores: tuple[list[dict], dict] | None,
    results: Sequence[ModelExplanation],
    *,
    command: str,
    provenance: Mapping[str, object],
) -> Path:
    """Write ``out/index.html`` and the data behind it; returns the page's path.

    ``scores`` is the output of :func:`score_models` (None for unlabelled
    data); ``provenance`` (seed, versions, ...) is printed in the page and
    written to ``data/provenance.json``.
    """
    from .plotting import plot_roc_pr

    writer = ReportWriter(out)
    if results:
        writer.add(_glance_section(writer, data, scores, results))
    if scores is not None:
        rows, curves = scores
        curve_file = writer.write_csv("test_scores.csv", [
            {"model": name, "y_true": int(t), "score": float(s)}
            for name, (truth, score) in curves.items() for t, s in zip(truth, score)])
        writer.add(Section("Model comparison", "comparison", [Panel(
            "Test AUC and AUPRC", HOW_TO_READ["comparison"],
            table_html(rows) + figure_html(plot_roc_pr(curves), "ROC and PR curves"),
            [writer.write_csv("metrics.csv", rows), curve_file])]))
    if data.planted and results:
        writer.add(_planted_section(writer, data, results))
    if data.grammar and results:
        writer.add(_dependency_section(writer, data, results))
    for result in results:
        writer.add(_model_section(writer, result, data.planted))
    provenance_file = writer.write_json("provenance.json", {"command": command, **provenance})
    footer = (f'<h2 id="provenance">How this report was made</h2><div class="panel"><pre>'
              f"{html.escape(command)}</pre>{table_html([{'item': k, 'value': v} for k, v in _flat(provenance)])}"
              f'<p class="data">Also in <a href="{provenance_file}">{provenance_file}</a></p></div>')
    return writer.write("sklearn-demo dashboard", [
        f"Data: {data.summary()}",
        f"Made {time.strftime('%Y-%m-%d %H:%M')} by: {command}"], footer)


def _flat(mapping: Mapping[str, object], prefix: str = "") -> list[tuple[str, object]]:
    items = []
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            items.extend(_flat(value, f"{prefix}{key}."))
        else:
            items.append((f"{prefix}{key}", value))
    return items
