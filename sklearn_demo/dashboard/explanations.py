"""Explaining every network of a dashboard run (DeMo's three views,
first-layer filters, and, on planted data, every attribution method scored
against the known sites)."""
from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from sklearn.frozen import FrozenEstimator

from .._validation import Interval, check_parameter
from ..encoding import reverse_complement
from ..estimators import RNNClassifier
from ..explain import (
    ClassOptimizer, OrderEffect, SaliencyExplainer, TemporalScorer, filter_aurocs,
    first_layer_pwms, order_effect,
)
from ..explain.discovery import discover_motifs
from ..explain.ground_truth import position_importance, site_aurocs
from ..labels import check_known_labels, positive_class, positive_proba, probability_name
from ..motifs import match_motifs
from .data import DashboardData
from .dependencies import Dependencies, explain_dependencies, strongest_motifs

#: Attribution methods scored against planted sites, by their label in the
#: report; ``ATTRIBUTION`` is the one the saliency panels show: expected
#: gradients rank the planted positions of a motif the model must use best or
#: close to best of the four, well above DeMo's saliency (``benchmarks/RESULTS.md``,
#: "Explanations against known motifs"), and unlike ISM give the present base
#: a signed share, so their logo reads as a motif. DeMo's own map is first.
ATTRIBUTION_METHODS = {
    "DeMo saliency |d log p / dx| x": dict(method="saliency", class_score="log_proba"),
    "gradient x input (logit)": dict(method="gradient_x_input", class_score="logit"),
    "in-silico mutagenesis (logit)": dict(method="ism", class_score="logit"),
    "expected gradients (logit)": dict(method="expected_gradients", n_samples=100),
}

ATTRIBUTION = "expected gradients (logit)"

#: Test positives the attribution methods are scored on against the planted
#: sites by default: 100 sequences of 101 bp hold about 3,000 planted positions
#: and 7,000 others, which pins an AUROC to about +-0.007, while mutagenesis and
#: expected gradients of the RNN over more take most of the report's time.
SITE_AUROC_SEQUENCES = 100

#: What ``max_sequences`` (``site_auroc_sequences`` in ``build_dashboard``) accepts:
#: a number of test positives, or None for all of them.
MAX_SEQUENCES_CONSTRAINTS = [Interval(Integral, 1, None), None]


@dataclass
class ModelExplanation:
    """Everything the dashboard shows for one network."""

    name: str
    probability_name: str
    """How its probabilities are named: "p(bound)", or "p(LABEL)" for a
    positive label other than the usual ones."""
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
    filter_aurocs: np.ndarray | None = None
    """Per filter: AUROC of its largest activation for training positives vs
    negatives (:func:`~sklearn_demo.explain.filter_aurocs`), how much it matters."""
    discovered: list | None = None
    """With ``discover=True``: TF-MoDISco's patterns in the attributions of the
    training positives (:func:`~sklearn_demo.explain.discovery.discover_motifs`)."""
    order: OrderEffect | None = None
    """With an order grammar: the forward-score jump at the second motif of
    the test positives, with and without the first motif before it."""
    site_aurocs: dict[str, dict[str, float]] = field(default_factory=dict)
    """With planted data: per attribution method (``ATTRIBUTION_METHODS``), the
    AUROC of per-position importance for planted vs other positions, over all
    sites and per planted motif (:func:`attribution_site_aurocs`)."""
    site_auroc_positives: int = 0
    """How many test positives ``site_aurocs`` was scored on."""
    dependencies: Dependencies | None = None
    """The spacing/order scan of its two strongest class-optimised motifs and
    the site interactions of ``examples`` (:mod:`.dependencies`); None
    without a motif the model is sure of or without test negatives."""

    def firing_filters(self) -> list[int]:
        """Filters that fire on the training positives: a filter that never
        fires has a uniform matrix, whose JASPAR "matches" mean nothing."""
        if self.filter_sites is None:
            return []
        return [int(i) for i in np.flatnonzero(self.filter_sites > 0)]

    def informative_filters(self, n: int = 12, min_auroc: float = 0.6) -> list[int]:
        """Up to ``n`` firing filters that separate the classes (AUROC at
        least ``min_auroc``), the most separating first."""
        firing = [i for i in self.firing_filters() if self.filter_aurocs[i] >= min_auroc]
        return sorted(firing, key=lambda i: -self.filter_aurocs[i])[:n]

    @property
    def class_optimisation_failed(self) -> bool:
        """True when no restart found an input the model calls the class
        (best p below 0.5): its motifs then show nothing the model wants."""
        return bool(self.class_scores[0] < 0.5)


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
    discover: bool = False,
    n_discovery: int = 1000,
    site_auroc_sequences: int | None = SITE_AUROC_SEQUENCES,
) -> ModelExplanation:
    """Run saliency, temporal scores, class optimisation, dependencies (the
    spacing/order scan of its two strongest motifs, the site interactions of
    the examples) and first-layer filter motifs on a fitted network, on the
    test set.

    ``test_scores`` (p of the positive class for ``data.X_test``, e.g. from
    :func:`score_models`) saves predicting the test set again. ``discover``
    runs TF-MoDISco on the attributions of up to ``n_discovery`` training
    positives (a minute or more per network). On planted data, every
    attribution method is scored against the planted sites on at most
    ``site_auroc_sequences`` test positives (:func:`attribution_site_aurocs`).

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier
    >>> from sklearn_demo.dashboard import explain_model, load_dashboard_data
    >>> data = load_dashboard_data(n_samples=60)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X_train, data.y_train)
    >>> result = explain_model(clf, data, n_examples=2, n_restarts=2, n_iter=5)
    >>> result.saliency.shape, result.temporal.shape
    ((2, 4, 101), (2, 2, 101))
    """
    check_parameter("explain_model", "site_auroc_sequences", site_auroc_sequences,
                    MAX_SEQUENCES_CONSTRAINTS)
    frozen = FrozenEstimator(model)
    check_known_labels(model, data.y_test, what="the test sequences")
    positive = np.asarray(data.y_test) == positive_class(model)
    if not positive.any():
        raise ValueError("the test set holds no positive sequences to explain.")
    score = positive_proba(model, data.X_test) if test_scores is None else test_scores
    candidates = np.flatnonzero(positive)
    chosen = candidates[np.argsort(-score[candidates], kind="stable")[:n_examples]]
    examples = data.X_test[chosen]
    explainer = SaliencyExplainer(frozen, **ATTRIBUTION_METHODS[ATTRIBUTION]).fit(examples)
    saliency = explainer.transform(examples)
    temporal = TemporalScorer(frozen).fit(examples).transform(examples)
    optimizer = ClassOptimizer(frozen, n_restarts=n_restarts, n_iter=n_iter,
                               random_state=seed).fit(examples)
    result = ModelExplanation(
        name=type(model).__name__, probability_name=probability_name(model),
        examples=examples, example_scores=score[chosen],
        example_sites=[data.sites_test[i] for i in chosen] if data.sites_test else [],
        saliency=saliency, temporal=temporal, class_motifs=optimizer.motifs_,
        class_scores=optimizer.scores_, class_matches=optimizer.match(n_matches=n_matches),
        class_pwm=optimizer.best_pwm_)
    result.dependencies = explain_dependencies(
        model, examples, data.X_test[~positive],
        strongest_motifs(optimizer.motifs_, optimizer.scores_, result.class_matches), seed=seed)
    if not isinstance(model, RNNClassifier):
        bound = np.asarray(data.y_train) == positive_class(model)
        result.filter_pwms, result.filter_sites = first_layer_pwms(
            frozen, data.X_train[bound][:2000])
        result.filter_matches = match_motifs(list(result.filter_pwms), n_matches=n_matches)
        sample = np.concatenate([np.flatnonzero(bound)[:2000], np.flatnonzero(~bound)[:2000]])
        result.filter_aurocs = filter_aurocs(frozen, data.X_train[sample], data.y_train[sample])
    if discover:
        bound = np.asarray(data.y_train) == positive_class(model)
        result.discovered = discover_motifs(model, data.X_train[bound][:n_discovery],
                                            n_matches=n_matches)
    if data.sites_test:
        positives = _sampled_test_positives(model, data, site_auroc_sequences, seed)
        result.site_aurocs = _site_aurocs(model, data, positives)
        result.site_auroc_positives = len(positives)
    if data.grammar:
        pairs = [i for i in np.flatnonzero(positive) if len(data.sites_test[i]) == 2]
        result.order = order_effect(TemporalScorer(frozen).fit(examples), data.X_test[pairs],
                                    [data.sites_test[i] for i in pairs], random_state=seed)
    return result


def attribution_site_aurocs(
    model: object, data: DashboardData, *, max_sequences: int | None = SITE_AUROC_SEQUENCES,
    random_state: int | None = 0,
) -> dict[str, dict[str, float]]:
    """AUROC of every attribution method in ``ATTRIBUTION_METHODS`` for planted
    vs other positions over the test positives of planted data: for all
    planted positions and for each motif's (see
    :func:`~sklearn_demo.explain.ground_truth.site_aurocs`).

    Parameters
    ----------
    max_sequences : int or None, default=SITE_AUROC_SEQUENCES (100)
        A random sample of at most this many test positives (seeded by
        ``random_state``); None scores every one. See
        :data:`SITE_AUROC_SEQUENCES` for why 100.

    Returns
    -------
    dict
        method label -> {"all planted sites": AUROC, "<motif name> sites": AUROC, ...}

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier
    >>> from sklearn_demo.dashboard import (ATTRIBUTION, ATTRIBUTION_METHODS,
    ...                                     attribution_site_aurocs, load_dashboard_data)
    >>> data = load_dashboard_data(n_samples=40)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X_train, data.y_train)
    >>> aurocs = attribution_site_aurocs(clf, data)
    >>> sorted(aurocs) == sorted(ATTRIBUTION_METHODS)
    True
    >>> list(aurocs[ATTRIBUTION])
    ['all planted sites', 'CTCF sites', 'GABPA sites']
    """
    check_parameter("attribution_site_aurocs", "max_sequences", max_sequences,
                    MAX_SEQUENCES_CONSTRAINTS)
    return _site_aurocs(model, data,
                        _sampled_test_positives(model, data, max_sequences, random_state))


def _site_aurocs(model: object, data: DashboardData,
                 positives: np.ndarray) -> dict[str, dict[str, float]]:
    """:func:`attribution_site_aurocs` on the test sequences ``positives``."""
    X = data.X_test[positives]
    sites = [data.sites_test[i] for i in positives]
    frozen = FrozenEstimator(model)
    aurocs = {}
    for label, params in ATTRIBUTION_METHODS.items():
        attributions = SaliencyExplainer(frozen, **params).fit(X).transform(X)
        by_motif = site_aurocs(position_importance(attributions, params["method"]), sites)
        aurocs[label] = {"all planted sites": by_motif.pop("all"), **{
            f"{data.planted[mid][0]} sites": by_motif[mid] for mid in data.planted
            if mid in by_motif}}
    return aurocs


def _sampled_test_positives(model: object, data: DashboardData, max_sequences: int | None,
                            random_state: int | None) -> np.ndarray:
    """Indices of the test positives the site AUROCs are scored on: all of them,
    or a seeded sample of ``max_sequences``."""
    positives = np.flatnonzero(np.asarray(data.y_test) == positive_class(model))
    if max_sequences is not None and len(positives) > max_sequences:
        positives = np.sort(np.random.RandomState(random_state).choice(
            positives, max_sequences, replace=False))
    return positives


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

