"""Explanations against planted JASPAR motifs whose positions are known, and
the order grammar that only a recurrent layer can read.

The measured values behind the bounds are in ``benchmarks/RESULTS.md``
("Explainers against planted motifs", "Motif dependencies").
"""
import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sklearn_demo import (
    ClassOptimizer, CNNClassifier, CNNRNNClassifier, SaliencyExplainer, TemporalScorer,
    make_motif_dataset, order_effect,
)
from sklearn_demo.explain.ground_truth import (
    position_importance, site_auroc, site_aurocs, temporal_rise,
)
from sklearn_demo.motifs import best_window_correlation

# Module fixtures train several models (the grammar pair on 6,000 200-bp sequences): a
# generous timeout keeps a busy machine (3x slower) from failing them.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(1800)]


@pytest.fixture(scope="module")
def planted(fitted_models):
    data = fitted_models.data("planted_cnn")
    positives = np.flatnonzero(data.y[2500:])[:100] + 2500
    return data, positives


@pytest.fixture(scope="module")
def cnnrnn(fitted_models):
    return fitted_models("planted_cnnrnn")


@pytest.fixture(scope="module")
def cnn(fitted_models):
    return fitted_models("planted_cnn")


def test_the_model_learned_the_task(planted, cnnrnn):
    data, _ = planted
    assert roc_auc_score(data.y[2500:], cnnrnn.predict_proba(data.X[2500:])[:, 1]) > 0.95


@pytest.mark.parametrize("method, bound", [("saliency", 0.6), ("gradient_x_input", 0.6),
                                           ("ism", 0.75)])
def test_saliency_ranks_planted_positions_high(planted, cnnrnn, method, bound):
    data, positives = planted
    attributions = SaliencyExplainer(FrozenEstimator(cnnrnn), method=method).fit(
        data.X).transform(data.X[positives])
    assert site_auroc(position_importance(attributions, method), data.mask[positives]) > bound


def test_forward_temporal_score_rises_where_the_motif_is_read(planted, cnnrnn):
    data, positives = planted
    scores = TemporalScorer(FrozenEstimator(cnnrnn)).fit(data.X).transform(data.X[positives])
    inside, outside = temporal_rise(scores, data.mask[positives])
    assert inside > 0.01 and inside > 10 * abs(outside)


def test_class_optimisation_recovers_the_planted_motif(planted, cnn):
    data, _ = planted
    optimizer = ClassOptimizer(FrozenEstimator(cnn)).fit(data.X)
    assert optimizer.scores_[0] >= 0.99 and optimizer.consensus_scores_[0] >= 0.9
    planted_names = set(data.motif_names.values())
    found = [any(m.name in planted_names for m in matches)
             for matches in optimizer.match(n_matches=3)]
    # GC-rich zinc fingers (Zic, ZEB1) resemble CTCF's core and sometimes come first.
    assert found[0] and sum(found) >= len(found) // 2


@pytest.fixture(scope="module")
def ctcf_only(fitted_models):
    """Every positive carries one CTCF site: the model must use it."""
    data = fitted_models.data("ctcf_cnn")
    positives = np.flatnonzero(data.y[2500:])[:100] + 2500
    models = {CNNClassifier: fitted_models("ctcf_cnn"),
              CNNRNNClassifier: fitted_models("ctcf_cnnrnn")}
    return data, positives, models


def _dashboard_aurocs(model, data, positives) -> dict[str, dict[str, float]]:
    """Per-motif site AUROCs of the dashboard's map and of DeMo's saliency."""
    from sklearn_demo.dashboard import ATTRIBUTION, ATTRIBUTION_METHODS

    out = {}
    for label in (ATTRIBUTION, "DeMo saliency |d log p / dx| x"):
        params = ATTRIBUTION_METHODS[label]
        attributions = SaliencyExplainer(FrozenEstimator(model), **params).fit(
            data.X[:2]).transform(data.X[positives])
        out["shown" if label == ATTRIBUTION else "demo"] = site_aurocs(
            position_importance(attributions, params["method"]),
            [data.sites[i] for i in positives])
    return out


@pytest.mark.parametrize("model", [CNNClassifier, CNNRNNClassifier])
def test_dashboard_attribution_ranks_the_sites_a_model_must_use(ctcf_only, model):
    """The issue's floor, 0.85, where the planted motif is the only evidence.
    Measured (benchmarks/RESULTS.md): 0.977 / 0.973 (CNN / CNN-RNN) against
    DeMo's saliency 0.800 / 0.918."""
    data, positives, models = ctcf_only
    auroc = _dashboard_aurocs(models[model], data, positives)
    assert auroc["shown"]["all"] >= 0.85
    assert auroc["shown"]["all"] > auroc["demo"]["all"]


@pytest.mark.parametrize("model", ["cnn", "cnnrnn"])
def test_dashboard_attribution_ranks_the_motif_the_model_uses(planted, model, request):
    """With CTCF and GABPA in every positive, one suffices: the models learn
    CTCF and the map ranks its sites high, GABPA's near chance (the model's
    choice, not the map's failure). Measured: CTCF sites 0.971 / 0.974, GABPA
    0.44 / 0.55, all sites 0.76 / 0.80 vs DeMo's 0.65 / 0.69 (CNN / CNN-RNN)."""
    data, positives = planted
    auroc = _dashboard_aurocs(request.getfixturevalue(model), data, positives)
    used = max(auroc["shown"][motif] for motif in data.motifs)
    assert used >= 0.85
    assert auroc["shown"]["all"] > auroc["demo"]["all"] + 0.05


def test_cnnrnn_class_optimisation_reports_a_matrix_the_model_is_sure_of(planted, cnnrnn):
    data, _ = planted
    optimizer = ClassOptimizer(FrozenEstimator(cnnrnn), n_restarts=4).fit(data.X)
    assert optimizer.scores_[0] >= 0.99
    assert optimizer.consensus_scores_[0] >= 0.9
    assert cnnrnn.predict_proba([optimizer.best_sequence_])[0, 1] >= 0.9
    assert max(best_window_correlation(optimizer.best_pwm_, pwm)
               for pwm in data.motifs.values()) >= 0.6


@pytest.fixture(scope="module")
def grammar():
    """The benchmark's mixed grammar (seed 0): 200 bp, CTCF then AP-1 30-50 bp apart."""
    return make_motif_dataset(8000, sequence_length=200, motifs=("MA0139", "MA0099"),
                              grammar="mixed", random_state=0)


@pytest.fixture(scope="module")
def grammar_models(grammar):
    # The CNN cannot read the order: its validation loss stays at log 2
    # (0.6932-0.6933 over 4 epochs here, test AUC 0.485; the benchmark's runs
    # stopped early at 15-16 and restored an epoch among the first), so one shows it
    # (its epoch on 12,000 strands of 200 bp costs as much as four of the CNN-RNN's).
    # The CNN-RNN reads it from epoch 5 on (best 0.981 at 15 of the benchmark's 30).
    # Per epoch (python benchmarks/studies/epoch_caps.py: test AUC, forward jump, order
    # effect; the bounds below are 0.9, 0.5 and 0.3): epoch 5 0.908 / +0.23 / +0.07,
    # 6 0.949 / +0.54 / +0.38, 8 0.966 / +0.72 / +0.70, 11 (the best of 12) 0.973 /
    # +0.81 / +0.77. So 8 epochs pass with two to spare, should a machine learn later.
    # One CNN-RNN network (ensemble_size=1), at half the default's time: the default
    # averages two such networks (its order reading: benchmarks/RESULTS.md).
    return {cls: cls(max_epochs=epochs, verbose=0, random_state=0, **params).fit(
                grammar.X[:6000], grammar.y[:6000])
            for cls, epochs, params in ((CNNClassifier, 1, {}),
                                        (CNNRNNClassifier, 8, {"ensemble_size": 1}))}


def test_cnnrnn_reads_motif_order_where_the_cnn_cannot(grammar, grammar_models):
    """Measured: CNN-RNN 0.966 (8 epochs; 0.979 in benchmarks/RESULTS.md, early-stopped at
    24), CNN 0.485 (4 epochs; 0.502 at 10; 1 here), motif presence 0.706."""
    auc = {cls: roc_auc_score(grammar.y[6000:], clf.predict_proba(grammar.X[6000:])[:, 1])
           for cls, clf in grammar_models.items()}
    assert auc[CNNRNNClassifier] > 0.9
    assert auc[CNNRNNClassifier] > auc[CNNClassifier] + 0.3


def test_forward_score_jumps_at_the_second_motif_only_after_the_first(grammar, grammar_models):
    """Measured: +0.72 with the first motif read before (8 epochs; +0.74 in RESULTS), the
    difference to the first motif erased +0.70."""
    positives = [i for i in np.flatnonzero(grammar.y[6000:]) + 6000
                 if len(grammar.sites[i]) == 2][:200]
    scorer = TemporalScorer(FrozenEstimator(grammar_models[CNNRNNClassifier])).fit(grammar.X[:2])
    effect = order_effect(scorer, grammar.X[positives], [grammar.sites[i] for i in positives],
                          margin=0)
    assert effect.forward_jump.mean() > 0.5
    assert effect.forward_difference > 0.3


def test_the_spacing_scan_shows_the_planted_order_to_the_cnnrnn_only(grammar, grammar_models):
    """motif_spacing of the planted CTCF and AP-1 consensus: the planted order
    minus the reverse, mean log-odds over the planted gaps (30-50).
    benchmarks/RESULTS.md ("Dependencies with a known answer", 12 epochs):
    CNN-RNN +10.2, CNN +0.02."""
    from sklearn_demo import motif_spacing
    from sklearn_demo.explain.grammar import motif_instances

    first, second = (motif_instances(grammar.motifs[m], 1)[0] for m in ("MA0139", "MA0099"))
    negatives = grammar.X[6000:][grammar.y[6000:] == 0][:20]
    asymmetry = {}
    for cls, clf in grammar_models.items():
        scan = motif_spacing(clf, first, second, spacings=range(30, 51, 4), backgrounds=20,
                             sequences=negatives, random_state=0)
        by_order = scan.groupby("order").logit.mean()
        asymmetry[cls] = by_order["first-second"] - by_order["second-first"]
    assert asymmetry[CNNRNNClassifier] >= 1.0
    assert asymmetry[CNNRNNClassifier] >= 3 * abs(asymmetry[CNNClassifier])


def test_the_planted_pair_is_the_cnnrnns_strongest_site_interaction(grammar, grammar_models):
    """The two planted sites and two decoy windows of each of 20 test
    positives: the planted pair interacts most (an AND) in at least 90%."""
    from sklearn_demo import site_interactions

    positives = [i for i in np.flatnonzero(grammar.y[6000:]) + 6000
                 if len(grammar.sites[i]) == 2][:20]
    sites, planted = [], []
    for i in positives:
        spans = [(int(start), int(end)) for _, start, end, _ in grammar.sites[i]]
        free = [s for s in range(0, 190, 10)
                if all(s + 10 <= a or s >= b for a, b in spans)][:2]
        sites.append(spans + [(s, s + 10) for s in free])
        planted.append(set(spans))
    results = site_interactions(grammar_models[CNNRNNClassifier], grammar.X[positives], sites,
                                n_shuffles=5, random_state=0)
    first = [{tuple(r.sites[k]) for k in r.strongest_pair()} == pair
             for r, pair in zip(results, planted)]
    assert np.mean(first) >= 0.9


def test_filters_that_separate_the_classes_look_like_the_planted_motif(planted, cnn):
    """Ranked by filter_aurocs (what the dashboard shows first), the leading
    filters match a planted motif; a match p-value alone would rank flat or
    single-site filters first."""
    from sklearn_demo import filter_aurocs, first_layer_pwms, match_motifs

    data, _ = planted
    aurocs = filter_aurocs(FrozenEstimator(cnn), data.X[:2500], data.y[:2500])
    pwms, _ = first_layer_pwms(FrozenEstimator(cnn), data.X[:2500][data.y[:2500] == 1])
    top = np.argsort(-aurocs)[:3]
    assert aurocs[top[0]] > 0.7  # 0.5: a filter that does not tell the classes apart
    names = set(data.motif_names.values())
    assert any(m.name in names for f in top for m in match_motifs([pwms[f]], n_matches=3)[0])
