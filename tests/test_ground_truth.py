"""Explanations against planted JASPAR motifs whose positions are known (the
order grammar that only a recurrent layer can read: test_order_grammar.py).

The measured values behind the bounds are in ``benchmarks/RESULTS.md``
("Explainers against planted motifs", "Motif dependencies").
"""
import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sklearn_demo import (
    ClassOptimizer, CNNClassifier, CNNRNNClassifier, SaliencyExplainer, TemporalScorer,
)
from sklearn_demo.explain.ground_truth import (
    position_importance, site_auroc, site_aurocs, temporal_rise,
)
from sklearn_demo.motifs import best_window_correlation

# Module fixtures train several models: a generous timeout keeps a busy machine (3x
# slower) from failing them.
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
    Measured (benchmarks/RESULTS.md, the default networks): 0.977 / 0.973
    (CNN / CNN-RNN) against DeMo's saliency 0.800 / 0.918; the suite's
    32-filter CNN 0.985 against 0.664."""
    data, positives, models = ctcf_only
    auroc = _dashboard_aurocs(models[model], data, positives)
    assert auroc["shown"]["all"] >= 0.85
    assert auroc["shown"]["all"] > auroc["demo"]["all"]


@pytest.mark.parametrize("model", ["cnn", "cnnrnn"])
def test_dashboard_attribution_ranks_the_motif_the_model_uses(planted, model, request):
    """With CTCF and GABPA in every positive, one suffices: the models learn
    CTCF and the map ranks its sites high, GABPA's near chance (the model's
    choice, not the map's failure). Measured: CTCF sites 0.971 / 0.974, GABPA
    0.44 / 0.55, all sites 0.76 / 0.80 vs DeMo's 0.65 / 0.69 (default CNN /
    CNN-RNN); the suite's 32-filter CNN: 0.967, 0.51, 0.78 vs 0.63; its one
    CNN-RNN network: 0.957 (the motif used), 0.845 vs 0.727 (all sites)."""
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
