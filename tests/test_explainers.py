"""Explainers against independent references: captum, finite differences,
brute-force loops, closed forms; and under scikit-learn's API."""
import pickle

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline

from sklearn_demo import (
    ClassOptimizer, CNNClassifier, CNNRNNClassifier, RNNClassifier, SaliencyExplainer,
    TemporalScorer, first_layer_pwms,
)
from sklearn_demo.encoding import one_hot_encode
from sklearn_demo.explain.methods import saturation_mutagenesis

ARCHITECTURES = [CNNClassifier, RNNClassifier, CNNRNNClassifier]


@pytest.fixture(scope="module")
def models(fitted_models):
    """One briefly trained small model per architecture, shared by the session."""
    return {CNNClassifier: fitted_models("small_cnn"), RNNClassifier: fitted_models("small_rnn"),
            CNNRNNClassifier: fitted_models("small_cnnrnn")}


@pytest.fixture(params=ARCHITECTURES, ids=lambda c: c.__name__)
def model(request, models):
    return models[request.param]


def log_p_positive(clf, X):
    with torch.no_grad():
        return torch.nn.functional.logsigmoid(clf.module_.eval()(torch.as_tensor(X))).numpy()


def test_gradient_equals_captum_saliency(model, motif_data):
    from captum.attr import Saliency

    X = one_hot_encode(motif_data.X[:8])
    ours = SaliencyExplainer(FrozenEstimator(model), method="gradient").fit(X).transform(X)

    class LogProb(torch.nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module

        def forward(self, x):
            return torch.nn.functional.logsigmoid(self.module(x))[:, None]

    with torch.backends.cudnn.flags(enabled=False):
        theirs = Saliency(LogProb(model.module_.eval())).attribute(
            torch.as_tensor(X), target=0, abs=False).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


def test_gradient_matches_finite_differences(model, motif_data):
    """Central differences on a float64 copy of the module, small step: ReLU
    and max kinks are crossed with negligible probability."""
    import copy

    X = one_hot_encode(motif_data.X[:2])
    grad = SaliencyExplainer(FrozenEstimator(model), method="gradient").fit(X).transform(X)
    module = copy.deepcopy(model.module_).double().eval()
    direction = np.random.RandomState(0).normal(size=X.shape)
    eps = 1e-6

    def score(x):
        with torch.no_grad():
            return torch.nn.functional.logsigmoid(module(torch.as_tensor(x))).numpy()

    numeric = (score(X + eps * direction) - score(X - eps * direction)) / (2 * eps)
    analytic = (grad * direction).sum(axis=(1, 2))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-3, atol=1e-5)


def test_saliency_and_gradient_x_input_are_the_gradient_at_present_bases(model, motif_data):
    X = one_hot_encode(motif_data.X[:4])
    grad = SaliencyExplainer(FrozenEstimator(model), method="gradient").fit(X).transform(X)
    sal = SaliencyExplainer(FrozenEstimator(model), method="saliency").fit(X).transform(X)
    gxi = SaliencyExplainer(FrozenEstimator(model), method="gradient_x_input").fit(X).transform(X)
    np.testing.assert_allclose(sal, np.abs(grad) * X, atol=1e-6)
    np.testing.assert_allclose(gxi, grad * X, atol=1e-6)
    assert (sal[X == 0] == 0).all()


def test_ism_equals_the_brute_force_loop(model, motif_data):
    X = one_hot_encode(motif_data.X[:2])
    ism = SaliencyExplainer(FrozenEstimator(model), method="ism", batch_size=37).fit(X).transform(X)
    reference = log_p_positive(model, X)
    expected = np.zeros_like(X)
    for i in range(len(X)):
        for j in range(X.shape[2]):
            for b in range(4):
                if X[i, b, j] == 1:
                    continue
                mutant = X[i].copy()
                mutant[:, j] = np.eye(4)[b]
                expected[i, b, j] = log_p_positive(model, mutant[None])[0] - reference[i]
    np.testing.assert_allclose(ism, expected, atol=2e-5)


@settings(max_examples=40, deadline=None)
@given(widths=st.lists(st.integers(1, 9), min_size=1, max_size=4), pool=st.integers(1, 4),
       length=st.integers(1, 60), batch_size=st.integers(1, 40),
       strands=st.sampled_from(["forward", "both"]), global_pool=st.sampled_from(["max", "max+mean"]))
def test_local_mutagenesis_equals_a_forward_pass_of_every_mutant(widths, pool, length,
                                                                 batch_size, strands, global_pool):
    """fastISM's shortcut against whole forward passes, for any DeMoCNN shape
    (odd and even widths, pooling by 1-4, sequences shorter than the
    receptive field, first filters on one or both strands, the maximum or
    the maximum and the mean over positions) and batches that cut across
    the cached sequences."""
    from sklearn_demo.explain.methods.local_ism import LocalMutagenesis
    from sklearn_demo.networks import DeMoCNN

    torch.manual_seed(0)
    module = DeMoCNN(n_filters=6, filter_widths=widths, pool_size=pool, filter_strands=strands,
                     global_pool=global_pool).eval()
    X = np.eye(4, dtype=np.float32)[np.random.default_rng(length).integers(4, size=(5, length))]
    X = np.ascontiguousarray(X.transpose(0, 2, 1))
    score = lambda x: torch.nn.functional.logsigmoid(module(x))  # noqa: E731
    local = LocalMutagenesis(module, link=torch.nn.functional.logsigmoid)
    np.testing.assert_allclose(
        saturation_mutagenesis(score, X, batch_size=batch_size, local=local),
        saturation_mutagenesis(score, X, batch_size=batch_size), atol=1e-6)


def test_local_mutagenesis_is_used_for_the_cnn_only(model):
    from sklearn_demo.explain.methods.local_ism import LocalMutagenesis
    from sklearn_demo.networks import DeMoCNN

    explainer = SaliencyExplainer(FrozenEstimator(model), method="ism").fit(["ACGT"])
    assert (explainer._local_mutagenesis() is not None) == isinstance(model, CNNClassifier)
    assert not LocalMutagenesis.supports(torch.nn.Sequential(DeMoCNN()))
    explicitly_padded = DeMoCNN(filter_widths=(5, 3))
    explicitly_padded.features[0].padding = (2,)
    assert not LocalMutagenesis.supports(explicitly_padded)
    floor_pooled = DeMoCNN(filter_widths=(5, 3))
    floor_pooled.features[2].ceil_mode = False
    assert not LocalMutagenesis.supports(floor_pooled)
    with pytest.raises(ValueError, match="LocalMutagenesis takes a DeMoCNN"):
        LocalMutagenesis(explicitly_padded, link=torch.sigmoid)


def test_ism_can_be_forced_to_whole_passes_with_the_same_scores(model, motif_data):
    X = motif_data.X[:3]
    whole = SaliencyExplainer(FrozenEstimator(model), method="ism",
                              ism_algorithm="whole_passes").fit(X)
    assert whole._local_mutagenesis() is None
    auto = SaliencyExplainer(FrozenEstimator(model), method="ism").fit(X)
    np.testing.assert_allclose(auto.transform(X), whole.transform(X), atol=1e-5)
    with pytest.raises(ValueError, match="ism_algorithm"):
        SaliencyExplainer(FrozenEstimator(model), method="ism", ism_algorithm="fast").fit(X)


def test_expected_gradients_is_complete_over_its_references(model, motif_data):
    """Expected gradients sum to f(x) - mean f(reference) up to sampling error."""
    X = one_hot_encode(motif_data.X[:2])
    explainer = SaliencyExplainer(FrozenEstimator(model), method="expected_gradients", n_references=20,
                                  n_samples=400).fit(X)
    values = explainer.transform(X)
    from sklearn_demo import dinucleotide_shuffle_one_hot

    for i in range(len(X)):
        refs = dinucleotide_shuffle_one_hot(X[i:i + 1], n_shuffles=20, random_state=i)
        with torch.no_grad():
            module = model.module_.eval()
            gap = float(module(torch.as_tensor(X[i:i + 1]))[0] - module(torch.as_tensor(refs)).mean())
        assert values[i].sum() == pytest.approx(gap, abs=0.1 + 0.1 * abs(gap))


def test_target_class_flips_the_sign_of_the_gradient(models, motif_data):
    clf = models[CNNClassifier]
    X = one_hot_encode(motif_data.X[:3])
    pos = SaliencyExplainer(FrozenEstimator(clf), method="gradient").fit(X).transform(X)
    neg = SaliencyExplainer(FrozenEstimator(clf), method="gradient", target_class=0).fit(X).transform(X)
    p = clf.predict_proba(X)
    # d log(1-p)/dx = -p/(1-p) * d log p/dx for a sigmoid output.
    ratio = (p[:, 1] / p[:, 0])[:, None, None]
    np.testing.assert_allclose(neg, -ratio * pos, rtol=1e-4, atol=1e-7)
    with pytest.raises(ValueError, match="target_class 7 is not one of the classes"):
        SaliencyExplainer(FrozenEstimator(clf), target_class=7).fit(X)


def test_logit_score_is_the_log_proba_gradient_without_its_saturating_factor(models, motif_data):
    clf = models[CNNClassifier]
    X = one_hot_encode(motif_data.X[:3])
    log_p = SaliencyExplainer(FrozenEstimator(clf), method="gradient").fit(X).transform(X)
    logit = SaliencyExplainer(FrozenEstimator(clf), method="gradient",
                              class_score="logit").fit(X).transform(X)
    # d log p/dx = (1 - p) * d logit/dx for a sigmoid output: closed form.
    p = clf.predict_proba(X)[:, 1]
    np.testing.assert_allclose(log_p, (1 - p)[:, None, None] * logit, rtol=1e-4, atol=1e-7)
    # A sequence scored with certainty: log p's gradient underflows, the logit's does not.
    frozen = FrozenEstimator(clf)
    with torch.no_grad():
        clf.module_.output.bias += 200.0
    try:
        saturated = SaliencyExplainer(frozen, method="gradient").fit(X).transform(X[:1])
        informative = SaliencyExplainer(frozen, method="gradient",
                                        class_score="logit").fit(X).transform(X[:1])
    finally:
        with torch.no_grad():
            clf.module_.output.bias -= 200.0
    assert not saturated.any() and np.abs(informative).max() > 0
    with pytest.raises(ValueError, match="'class_score' must be one of"):
        SaliencyExplainer(frozen, class_score="prob").fit(X)


@pytest.mark.parametrize("method, params", [("saliency", {}), ("ism", {}),
                                            ("expected_gradients", {"n_samples": 20})])
@pytest.mark.parametrize("cls", [CNNClassifier, CNNRNNClassifier])
def test_batches_do_not_change_results(models, motif_data, method, params, cls):
    """Batches of 2 rows (expected gradients: one sequence per chunk, ten
    passes each; ISM of the CNN: 8 mutants per receptive-field call) against
    500 (all five sequences' samples in one pass)."""
    X = motif_data.X[:5]
    # oneDNN picks another float32 convolution for 500 rows than for 2, and
    # its rounding can flip the strand-paired filters' max where the two
    # strands nearly tie, moving a saliency by 1e-4 (seen on this machine's
    # CPU; float64 agrees exactly): the check is of our batching, so it runs
    # on torch's own kernels, which round alike at any batch size.
    with torch.backends.mkldnn.flags(enabled=False):
        a, b = (SaliencyExplainer(FrozenEstimator(models[cls]), method=method,
                                  batch_size=size, **params).fit(X).transform(X)
                for size in (2, 500))
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_temporal_batched_equals_naive_loop(model, motif_data):
    X = motif_data.X[:3]
    fast = TemporalScorer(FrozenEstimator(model), batch_size=50).fit(X).transform(X)
    slow = TemporalScorer(FrozenEstimator(model), algorithm="loop").fit(X).transform(X)
    assert fast.shape == (3, 2, 101)
    np.testing.assert_allclose(fast, slow, atol=1e-5)
    # Reading the whole sequence either way is the model's own prediction.
    full = model.predict_proba(X)[:, 1]
    np.testing.assert_allclose(fast[:, 0, -1], full, atol=1e-5)
    np.testing.assert_allclose(fast[:, 1, 0], full, atol=1e-5)


def test_temporal_reads_prefixes_as_the_model_would(models, motif_data):
    clf = models[RNNClassifier]
    X = motif_data.X[:2]
    scores = TemporalScorer(FrozenEstimator(clf)).fit(X).transform(X)
    for i in (1, 30, 77):
        prefix = clf.predict_proba([s[:i] for s in X])[:, 1]
        suffix = clf.predict_proba([s[i - 1:] for s in X])[:, 1]
        np.testing.assert_allclose(scores[:, 0, i - 1], prefix, atol=1e-5)
        np.testing.assert_allclose(scores[:, 1, i - 1], suffix, atol=1e-5)


@pytest.mark.parametrize("parameterization", ["simplex", "unconstrained"])
def test_class_optimizer_objective_decreases_and_outputs_pwms(models, motif_data,
                                                              parameterization):
    opt = ClassOptimizer(FrozenEstimator(models[CNNClassifier]), n_iter=60, n_restarts=3,
                         parameterization=parameterization).fit(motif_data.X)
    assert opt.pwms_.shape == (3, 4, 101)
    np.testing.assert_allclose(opt.pwms_.sum(axis=1), 1, rtol=1e-5, atol=1e-6)
    assert (opt.pwms_ > 0).all()
    if parameterization == "unconstrained":
        assert (opt.pwms_ >= 0.01 / 1.04 - 1e-7).all()  # pseudocounts
    assert opt.loss_curve_[-1] < opt.loss_curve_[0]
    sure = opt.scores_ >= 0.99  # restarts the model is sure of come first,
    assert np.all(np.diff(sure.astype(int)) <= 0)  # each group by its window alone
    for group in (sure, ~sure):
        assert np.all(np.diff(opt.window_scores_[group]) <= 1e-7)
    assert len(opt.best_sequence_) == 101 and set(opt.best_sequence_) <= set("ACGT")
    assert opt.motifs_.shape == (3, 4, 15)


@pytest.mark.parametrize("parameterization", ["simplex", "unconstrained"])
def test_class_optimizer_reports_what_the_model_scores(model, motif_data, parameterization):
    """scores_ is the model's p(target) on the returned matrices themselves, and
    consensus_scores_ its p on their one-hot consensus sequences."""
    opt = ClassOptimizer(FrozenEstimator(model), n_iter=30, n_restarts=2,
                         parameterization=parameterization).fit(motif_data.X)
    np.testing.assert_allclose(opt.scores_, model.predict_proba(opt.pwms_)[:, 1], atol=1e-5)
    consensus = one_hot_encode(["".join("ACGT"[b] for b in pwm.argmax(0)) for pwm in opt.pwms_])
    np.testing.assert_allclose(opt.consensus_scores_, model.predict_proba(consensus)[:, 1],
                               atol=1e-5)
    assert opt.best_sequence_ == "".join("ACGT"[b] for b in opt.best_pwm_.argmax(0))


@pytest.mark.parametrize("kinds, both_strands", [
    ((CNNClassifier, CNNClassifier), False), ((CNNClassifier, CNNClassifier), True),
    ((CNNClassifier, RNNClassifier, CNNRNNClassifier), False)],
    ids=["two-cnns-stacked", "two-cnns-on-both-strands-stacked", "three-architectures-in-turn"])
def test_joint_class_optimisation_equals_each_optimiser_alone(models, motif_data, kinds,
                                                              both_strands):
    """One ascent for several models gives each optimiser what its own fit
    gives it: two CNNs of one architecture run as one vmapped call (one
    maximising class 0, one with other seeds and restarts), also when they
    score the mean of both strands, three architectures one after another
    inside each step."""
    from sklearn_demo import optimize_jointly

    chosen = [models[k] for k in kinds]
    if kinds[1] is CNNClassifier:
        chosen = [clone(models[CNNClassifier]).set_params(
            random_state=seed, reverse_complement=both_strands).fit(motif_data.X, motif_data.y)
            for seed in (0, 1)]
    settings = [dict(), dict(target_class=0, random_state=3)] + [dict(class_score="log_proba")]
    alone = [ClassOptimizer(FrozenEstimator(m), n_iter=40, n_restarts=3, **kw)
             for m, kw in zip(chosen, settings)]
    joint = optimize_jointly([clone(o) for o in alone], motif_data.X)
    for single, together in zip(alone, joint):
        single.fit(motif_data.X)
        # 40 Adam steps amplify float32 rounding, which differs between one
        # vmapped call over stacked weights and one call per model, and with the
        # thread count (kernel choice): on one thread (a pytest-xdist worker)
        # 14 of 1,212 entries were up to 2e-3 apart, while the scores, losses
        # and best sequences below still agreed.
        np.testing.assert_allclose(together.pwms_, single.pwms_, atol=5e-3)
        np.testing.assert_allclose(together.scores_, single.scores_, atol=1e-4)
        np.testing.assert_allclose(together.loss_curve_, single.loss_curve_, rtol=1e-4, atol=1e-5)
        assert together.best_sequence_ == single.best_sequence_


def test_joint_class_optimisation_names_what_the_optimisers_disagree_on(models, motif_data):
    from sklearn_demo import optimize_jointly

    frozen = FrozenEstimator(models[CNNClassifier])
    with pytest.raises(ValueError, match=r"must share n_iter; got \[5, 6\]"):
        optimize_jointly([ClassOptimizer(frozen, n_iter=5), ClassOptimizer(frozen, n_iter=6)],
                         motif_data.X)
    with pytest.raises(ValueError, match="must share one sequence_length; got \\[50, 101\\]"):
        optimize_jointly([ClassOptimizer(frozen, n_iter=2, sequence_length=50),
                          ClassOptimizer(frozen, n_iter=2)], motif_data.X)
    with pytest.raises(TypeError, match="non-empty sequence of ClassOptimizer"):
        optimize_jointly([SaliencyExplainer(frozen)], motif_data.X)


def test_simplex_class_optimisation_finds_the_known_optimum(motif_data):
    """Closed form: a one-layer CNN whose only live filter is the log-odds of
    CTCF's core scores a sequence by its best CTCF window, so the input that
    maximises it holds CTCF's consensus. The simplex recipe must report a
    matrix (and a consensus) that the model scores above 0.99, close to that
    optimum."""
    clf = CNNClassifier(n_filters=2, filter_widths=(9,), max_epochs=1, verbose=0,
                        random_state=0).fit(motif_data.X, motif_data.y)
    core = make_ctcf_core()
    log_odds = np.log(core / 0.25)
    with torch.no_grad():
        conv = clf.module_.features[0]
        conv.weight.zero_()
        conv.bias.zero_()
        conv.weight[0] = torch.as_tensor(log_odds, dtype=torch.float32)
        # Slightly active at the uniform start, so the ReLU passes a gradient.
        conv.bias[0] = 0.5 - (0.25 * log_odds).sum()
        best = log_odds.max(0).sum() + float(conv.bias[0])
        clf.module_.output.weight.zero_()
        clf.module_.output.weight[0, 0] = 1.0
        clf.module_.output.bias.fill_(-0.6 * best)
    opt = ClassOptimizer(FrozenEstimator(clf), n_iter=300, n_restarts=2, sequence_length=30,
                         motif_width=9).fit(motif_data.X)
    assert opt.scores_[0] > 0.99 and opt.consensus_scores_[0] > 0.99
    optimum = 1 / (1 + np.exp(-0.4 * best))  # the consensus window, fully inside
    assert opt.scores_[0] > 0.99 * optimum
    with pytest.raises(ValueError, match="'parameterization' must be one of"):
        ClassOptimizer(FrozenEstimator(clf), parameterization="box").fit(motif_data.X)
    with pytest.raises(ValueError, match="'class_score' must be one of"):
        ClassOptimizer(FrozenEstimator(clf), class_score="proba").fit(motif_data.X)


def make_ctcf_core() -> np.ndarray:
    """JASPAR's CTCF (MA0139) columns 3-11, a (4, 9) probability matrix."""
    from sklearn_demo.motifs import fetch_jaspar_motifs

    return fetch_jaspar_motifs(["MA0139"])["MA0139"].pwm[:, 3:12]


def test_class_optimizer_transform_is_the_best_log_odds_scan(models, motif_data):
    opt = ClassOptimizer(FrozenEstimator(models[CNNClassifier]), n_iter=5, n_restarts=2,
                         motif_width=6).fit(motif_data.X)
    X = one_hot_encode(motif_data.X[:3])
    features = opt.transform(X)
    for r, motif in enumerate(opt.motifs_):
        log_odds = np.log(motif / 0.25)
        for i in range(3):
            best = max(
                (log_odds * window).sum()
                for s in (X[i], X[i][::-1, ::-1])
                for window in (s[:, j:j + 6] for j in range(101 - 5)))
            assert features[i, r] == pytest.approx(best, rel=1e-5)


@pytest.mark.parametrize("model", [
    CNNClassifier(n_filters=2), CNNRNNClassifier(n_filters=2, filter_strands="both",
                                                 ensemble_size=1)],
    ids=["cnn", "cnnrnn-both-strands"])
def test_first_layer_pwms_recover_a_planted_filter(model):
    """A filter set to the log-odds of a known motif yields that motif back,
    in the filter's orientation also where a filter that reads both strands
    found it on the reverse strand (the sites are planted in either)."""
    from sklearn_demo import make_motif_dataset

    data = make_motif_dataset(300, random_state=2)
    clf = clone(model).set_params(max_epochs=1, verbose=0, random_state=0).fit(data.X, data.y)
    ctcf = data.motifs["MA0139"][:, 3:12]
    with torch.no_grad():
        conv = clf.module_.features[0] if isinstance(clf, CNNClassifier) else clf.module_.conv
        conv.weight[0] = torch.as_tensor(np.log(ctcf / 0.25), dtype=torch.float32)
        conv.bias[0] = -8.0
    pwms, n_sites = first_layer_pwms(clf, data.X, threshold=0.5)
    assert n_sites[0] > 20
    assert np.abs(pwms[0] - ctcf).max() < 0.3
    assert pwms[0].argmax(0).tolist() == ctcf.argmax(0).tolist()


@pytest.mark.parametrize("explainer", [
    SaliencyExplainer(method="gradient"), TemporalScorer(), ClassOptimizer(n_iter=3, n_restarts=2)])
def test_explainers_fit_a_clone_in_pipelines_and_cross_validation(explainer, motif_data):
    X, y = motif_data.X[:200], motif_data.y[:200]
    est = clone(explainer).set_params(
        estimator=CNNClassifier(n_filters=4, max_epochs=1, verbose=0, random_state=0))
    out = est.fit(X, y).transform(X[:4])
    assert out.shape[0] == 4
    assert est.estimator.initialized_ is False  # the given estimator is not touched
    again = pickle.loads(pickle.dumps(est)).transform(X[:4])
    np.testing.assert_allclose(again, out, rtol=1e-6, atol=1e-6)
    if isinstance(est, ClassOptimizer):
        pipe = make_pipeline(est, LogisticRegression())
        assert cross_validate(pipe, X, y, cv=2)["test_score"].shape == (2,)
        search = GridSearchCV(pipe, {"classoptimizer__l2": [0.0, 0.01]}, cv=2).fit(X, y)
        assert search.best_params_["classoptimizer__l2"] in (0.0, 0.01)


def test_explainer_errors_are_named(models, motif_data):
    X = motif_data.X[:10]
    with pytest.raises(NotFittedError, match="unfitted CNNClassifier inside FrozenEstimator"):
        SaliencyExplainer(FrozenEstimator(CNNClassifier())).fit(X)
    with pytest.raises(TypeError, match="got LogisticRegression"):
        SaliencyExplainer(LogisticRegression()).fit(X, [0, 1] * 5)
    with pytest.raises(ValueError, match="needs y to train a clone"):
        SaliencyExplainer(CNNClassifier()).fit(X)
    with pytest.raises(ValueError, match="'method' must be one of"):
        SaliencyExplainer(FrozenEstimator(models[CNNClassifier]), method="lime").fit(X)
    with pytest.raises(NotFittedError):
        SaliencyExplainer(FrozenEstimator(models[CNNClassifier])).transform(X)
    with pytest.raises(ValueError, match="invalid character 'Z'"):
        SaliencyExplainer(FrozenEstimator(models[CNNClassifier])).fit(X).transform(["ACZT"])
    with pytest.raises(ValueError, match="'n_iter' must be an integer in \\[1, inf\\], got 0"):
        ClassOptimizer(FrozenEstimator(models[CNNClassifier]), n_iter=0).fit(X)
    with pytest.raises(TypeError, match="needs a convolutional model"):
        first_layer_pwms(models[RNNClassifier], X)


def test_longer_sequences_than_training_can_be_explained(models, motif_data):
    clf = models[CNNRNNClassifier]
    longer = [s * 2 for s in motif_data.X[:2]]
    assert SaliencyExplainer(FrozenEstimator(clf)).fit(longer).transform(longer).shape == (2, 4, 202)
    assert TemporalScorer(FrozenEstimator(clf)).fit(longer).transform(longer).shape == (2, 2, 202)


@pytest.mark.parametrize("explainer", [
    SaliencyExplainer(method="ism", batch_size=64), TemporalScorer(),
    ClassOptimizer(n_iter=10, n_restarts=2)], ids=lambda e: type(e).__name__)
def test_explainer_estimator_contract(explainer, models, motif_data):
    """What scikit-learn's checks would test, written out: they skip
    estimators whose input is DNA strings (two_d_array=False)."""
    X = motif_data.X[:6]
    est = clone(explainer).set_params(estimator=FrozenEstimator(models[CNNRNNClassifier]))
    params = est.get_params(deep=False)
    assert clone(est).get_params(deep=False).keys() == params.keys()
    assert est.set_params(**params) is est
    assert vars(clone(explainer)).keys() == explainer.get_params(deep=False).keys()  # init stores only
    with pytest.raises(NotFittedError):
        est.transform(X)
    assert est.fit(X) is est
    first = est.transform(X)
    np.testing.assert_array_equal(clone(est).fit(X).transform(X), first)  # same on refit
    assert est.__sklearn_tags__().input_tags.string


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet="ACGTN", min_size=20, max_size=60), min_size=1, max_size=4))
def test_output_shapes_on_random_valid_input(models, seqs):
    """Property: any valid DNA gives (n, 4, L) attributions and (n, 2, L)
    temporal probabilities, finite, for every architecture."""
    X = one_hot_encode(seqs, padding="right")
    for clf in models.values():
        frozen = FrozenEstimator(clf)
        attributions = SaliencyExplainer(frozen, method="gradient_x_input").fit(X).transform(X)
        assert attributions.shape == X.shape and np.isfinite(attributions).all()
        temporal = TemporalScorer(frozen).fit(X).transform(X)
        assert temporal.shape == (len(X), 2, X.shape[2])
        assert ((temporal >= 0) & (temporal <= 1)).all()


def test_class_optimizer_leaves_the_models_gradients_alone(model, motif_data):
    """The ascent asks for the input's gradient only: no weight gradient is
    computed or left on the (frozen) classifier's parameters."""
    for parameter in model.module_.parameters():
        parameter.grad = None
    ClassOptimizer(FrozenEstimator(model), n_restarts=2, n_iter=5).fit(motif_data.X)
    assert all(parameter.grad is None for parameter in model.module_.parameters())


def test_class_optimizer_names_its_features_for_set_output(model, motif_data):
    opt = ClassOptimizer(FrozenEstimator(model), n_restarts=2, n_iter=5).set_output(
        transform="pandas").fit(motif_data.X)
    frame = opt.transform(motif_data.X[:3])
    assert list(frame.columns) == ["motif0_scan", "motif1_scan"] and frame.shape == (3, 2)


def test_expected_gradients_equal_shaps_gradient_explainer_within_sampling_error(model,
                                                                                motif_data):
    """The batched implementation against shap's own GradientExplainer on the
    same model, sequences and references, many samples each."""
    import shap

    from sklearn_demo import dinucleotide_shuffle_one_hot
    from sklearn_demo.explain.methods import expected_gradients

    X = one_hot_encode(motif_data.X[:3])
    module = model.module_.eval()
    ours = expected_gradients(module, X, n_references=10, n_samples=3000, random_state=0)
    for i in range(len(X)):
        refs = dinucleotide_shuffle_one_hot(X[i:i + 1], n_shuffles=10, random_state=i)
        theirs = np.asarray(shap.GradientExplainer(
            torch.nn.Sequential(module, torch.nn.Unflatten(0, (-1, 1))), torch.as_tensor(refs)
        ).shap_values(torch.as_tensor(X[i:i + 1]), nsamples=3000, rseed=1)).reshape(4, -1)
        scale = np.abs(theirs).max()
        assert np.corrcoef(ours[i].ravel(), theirs.ravel())[0, 1] > 0.97
        assert np.abs(ours[i] - theirs).max() < 0.25 * scale


def test_evaluation_mode_keeps_recurrent_layers_in_train_mode_and_restores_modes(models):
    """Inside the block dropout is off (eval) while single-layer LSTMs are in
    train mode, which computes the same and keeps cuDNN's backward; every
    submodule's mode is restored afterwards."""
    from sklearn_demo.explain._base import evaluation_mode

    module = models[CNNRNNClassifier].module_
    module.train()
    module.recurrent.eval()  # a mixed state, to see that it is restored as it was
    before = {name: sub.training for name, sub in module.named_modules()}
    x = torch.as_tensor(one_hot_encode(["ACGT" * 25 + "A"] * 3))
    with evaluation_mode(module):
        lstm_modes = [sub.training for sub in module.modules()
                      if isinstance(sub, torch.nn.LSTM)]
        dropout_modes = [sub.training for sub in module.modules()
                         if isinstance(sub, torch.nn.Dropout)]
        inside = module(x)
    assert lstm_modes and all(lstm_modes)
    assert dropout_modes and not any(dropout_modes)
    assert {name: sub.training for name, sub in module.named_modules()} == before
    with torch.no_grad():
        plain = module.eval()(x)
    torch.testing.assert_close(inside, plain)


@pytest.mark.parametrize("cls, params", [
    (CNNClassifier, dict(n_filters=8)),
    (CNNRNNClassifier, dict(n_filters=8, hidden_size=4, pool_size=4)),
], ids=["cnn", "cnnrnn"])
def test_a_model_on_both_strands_is_explained_as_it_predicts(cls, params, motif_data):
    """reverse_complement=True averages the two strands' probabilities: ISM
    equals brute-force mutants scored by predict_proba, and the temporal
    scores of the whole sequence are that probability, both directions."""
    clf = cls(max_epochs=2, verbose=0, random_state=0, reverse_complement=True,
              **params).fit(motif_data.X[:300], motif_data.y[:300])
    X = one_hot_encode(motif_data.X[:2])
    ism = SaliencyExplainer(FrozenEstimator(clf), method="ism").fit(X).transform(X)
    reference = np.log(clf.predict_proba(X)[:, 1])
    for i, j in [(0, 0), (0, 50), (1, 100)]:
        for b in range(4):
            mutant = X[i].copy()
            mutant[:, j] = np.eye(4)[b]
            expected = np.log(clf.predict_proba(mutant[None])[0, 1]) - reference[i]
            assert ism[i, b, j] == pytest.approx(expected, abs=2e-5)
    scores = TemporalScorer(FrozenEstimator(clf)).fit(X).transform(X)
    np.testing.assert_allclose(scores[:, 0, -1], clf.predict_proba(X)[:, 1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scores[:, 1, 0], clf.predict_proba(X)[:, 1], rtol=1e-5, atol=1e-6)
