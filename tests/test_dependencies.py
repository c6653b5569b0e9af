"""Dependencies: the spacing/order scan, site interactions and the pairwise
map, against sequences built by hand and models whose answer is known."""
import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.frozen import FrozenEstimator

from sklearn_demo import (
    CNNClassifier, InteractionExplainer, fetch_jaspar_motifs, motif_spacing, site_interactions,
)
from sklearn_demo.explain.grammar import centred_pair, motif_instances
from sklearn_demo.explain.pairwise import single_mutants

FIRST, SECOND = "CCACTAGGGGGC", "TGACTCA"


@pytest.fixture(scope="module")
def model(fitted_models):
    return fitted_models("tiny_cnn")


@pytest.fixture(scope="module")
def backgrounds(motif_data):
    return [s for s in motif_data.X[:5]]


def test_the_scan_is_the_models_log_odds_of_the_centred_pairs(model, backgrounds):
    scan = motif_spacing(model, FIRST, SECOND, spacings=[0, 7, 30], backgrounds=backgrounds,
                         orientations=("+", "-"))
    assert len(scan) == 2 * 4 * 3
    complement = {"+": lambda s: s, "-": lambda s: s[::-1].translate(str.maketrans("ACGT", "TGCA"))}
    for row in scan.itertuples():
        first, second = (complement[sign](motif) for sign, motif
                         in zip(row.strands.split("/"), (FIRST, SECOND)))
        up, down = (first, second) if row.order == "first-second" else (second, first)

        def mean_log_odds(upstream, downstream):
            written = [centred_pair(b, upstream, downstream, row.spacing, (len(up), len(down)))
                       for b in backgrounds]
            return model.decision_function(written).mean()

        alone_first = (mean_log_odds(first, None) if row.order == "first-second"
                       else mean_log_odds(None, first))
        alone_second = (mean_log_odds(None, second) if row.order == "first-second"
                        else mean_log_odds(second, None))
        neither = model.decision_function(backgrounds).mean()
        assert_allclose(row.logit, mean_log_odds(up, down), atol=1e-5)
        assert_allclose(row.first_alone, alone_first, atol=1e-5)
        assert_allclose(row.second_alone, alone_second, atol=1e-5)
        assert_allclose(row.neither, neither, atol=1e-5)
        assert_allclose(row.interaction, row.logit - alone_first - alone_second + neither,
                        atol=1e-5)
    assert (scan.logit_sem > 0).all() and (scan.interaction_sem >= 0).all()


def test_the_centred_rule():
    background = "N" * 20
    span = 3 + 4 + 2
    written = centred_pair(background, "AAA", "CC", 4, (3, 2))
    start = (20 - span) // 2
    assert written[start:start + 3] == "AAA" and written[start + 7:start + 9] == "CC"
    assert written.count("N") == 15
    with pytest.raises(ValueError, match="do not fit"):
        centred_pair("N" * 8, "AAA", "CC", 4, (3, 2))


def test_motifs_as_strings_matrices_jaspar_and_samples(model, backgrounds):
    ctcf = fetch_jaspar_motifs(["MA0139"])["MA0139"]
    consensus = motif_instances(ctcf, 1)[0]
    assert consensus == "".join("ACGT"[i] for i in ctcf.pwm.argmax(axis=0))
    by_matrix = motif_spacing(model, ctcf.pwm, SECOND, spacings=[5], backgrounds=backgrounds)
    by_motif = motif_spacing(model, ctcf, SECOND, spacings=[5], backgrounds=backgrounds)
    by_string = motif_spacing(model, consensus, SECOND, spacings=[5], backgrounds=backgrounds)
    assert_allclose(by_matrix.logit, by_string.logit, atol=1e-6)
    assert_allclose(by_motif.logit, by_string.logit, atol=1e-6)
    draws = motif_instances(ctcf, 50, sample=True, random_state=0)
    assert draws == motif_instances(ctcf, 50, sample=True, random_state=0)
    assert len(set(draws)) > 10 and {len(d) for d in draws} == {ctcf.pwm.shape[1]}
    sampled = motif_spacing(model, ctcf, SECOND, spacings=[5], backgrounds=backgrounds,
                            sample=True, random_state=0)
    assert not np.allclose(sampled.logit, by_string.logit, atol=1e-9)


def test_int_backgrounds_are_dinucleotide_shuffles_of_the_sequences(model, motif_data):
    scan = motif_spacing(model, FIRST, SECOND, spacings=[3], backgrounds=7,
                         sequences=motif_data.X[:3], random_state=0)
    again = motif_spacing(model, FIRST, SECOND, spacings=[3], backgrounds=7,
                          sequences=motif_data.X[:3], random_state=0)
    assert_allclose(scan.logit, again.logit, atol=0)


@pytest.mark.parametrize("kwargs, message", [
    (dict(spacings=[200], backgrounds=["ACGT" * 25]), "span 219 bases"),
    (dict(spacings=[-1], backgrounds=["ACGT" * 25]), "spacings"),
    (dict(spacings=[1], backgrounds=["ACGT" * 25, "ACGT" * 20]), "one length"),
    (dict(spacings=[1], backgrounds=["ACGT" * 24 + "ACGTX"]), "X"),
    (dict(spacings=[1], backgrounds=4), "sequences="),
    (dict(spacings=[1], backgrounds=["ACGT" * 25], orientations=("+", "x")), "orientations"),
    (dict(spacings=[1], backgrounds=["ACGT" * 25], target="CTCF"), "one task"),
    (dict(spacings=[1], backgrounds=["ACGT" * 25], batch_size=0), "batch_size"),
])
def test_bad_scans_are_refused_by_name(model, kwargs, message):
    with pytest.raises(ValueError, match=message):
        motif_spacing(model, FIRST, SECOND, **kwargs)


class _TwoSiteModel:
    """A classifier whose log-odds is +3 with both sites present, else -3 (an
    AND), plus a linear part that is the same whichever sites are there."""

    classes_ = np.array([0, 1])
    pos_label_ = 1

    def __init__(self, first: str, second: str):
        self.first, self.second = first, second

    def decision_function(self, X):
        return np.array([3.0 if self.first in s and self.second in s else -3.0 for s in X])

    def predict_proba(self, X):
        p = 1 / (1 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])


def test_site_interactions_of_an_and_of_two_sites_are_exact(motif_data):
    # none of the 20 shuffles of either site (seed 0) rebuilds it; a site whose
    # shuffle may (CTGGAATTCA: 1 in 20) would count as present in that shuffle
    first, second = "GATTACAGTC", "CGTAAGCTTG"
    background = motif_data.X[0]
    sequence = background[:10] + first + background[20:50] + second + background[60:]
    model = _TwoSiteModel(first, second)
    sites = [[(10, 20), (50, 60), (80, 90)]]
    result = site_interactions(model, [sequence], sites, n_shuffles=20, random_state=0)[0]
    assert_allclose(np.diag(result.matrix), [6.0, 6.0, 0.0], atol=1e-9)
    assert_allclose(result.matrix[0, 1], 6.0, atol=1e-9)  # 3 - (-3) - (-3) + (-3)
    assert_allclose(result.matrix[[0, 1], [2, 2]], 0.0, atol=1e-9)
    assert result.strongest_pair() == (0, 1) and result.logit == pytest.approx(3.0)


class _LinearModel(_TwoSiteModel):
    """Log-odds a sum of one weight per (base, position): additive over positions."""

    def __init__(self, length: int):
        self.weights = np.random.RandomState(0).normal(scale=0.1, size=(4, length))

    def decision_function(self, X):
        from sklearn_demo.encoding import one_hot_encode

        return (one_hot_encode(list(X)) * self.weights).sum(axis=(1, 2))


def test_sites_that_add_up_do_not_interact(motif_data):
    """Every off-diagonal entry of an additive model is 0, and each main
    effect is the site's weights minus their mean over its shuffles."""
    result = site_interactions(_LinearModel(101), motif_data.X[:2],
                               [[(0, 10), (40, 50), (70, 80)]] * 2, n_shuffles=5, random_state=0)
    for r in result:
        assert_allclose(r.matrix[~np.eye(3, dtype=bool)], 0.0, atol=1e-9)
        assert np.abs(np.diag(r.matrix)).max() > 0.01


def test_sites_found_by_the_model_and_given_sites_are_checked(model, motif_data):
    found = site_interactions(model, motif_data.X[:3], n_shuffles=2, random_state=0)
    for result, sequence in zip(found, motif_data.X[:3]):
        k = len(result.sites)
        assert 1 <= k <= 5 and result.matrix.shape == (k, k)
        assert (np.diff(result.sites, axis=1) == 10).all()
        assert (result.sites[1:, 0] >= result.sites[:-1, 1]).all()  # in order, apart
    with pytest.raises(ValueError, match="sequence 0 has overlapping sites"):
        site_interactions(model, motif_data.X[:1], [[(0, 10), (5, 15)]])
    with pytest.raises(ValueError, match="outside its 101 bases"):
        site_interactions(model, motif_data.X[:1], [[(95, 110)]])
    with pytest.raises(ValueError, match="2 sequences but 1 site lists"):
        site_interactions(model, motif_data.X[:2], [[(0, 10)]])


def test_single_mutants_are_every_substitution():
    from sklearn_demo.encoding import one_hot_encode

    x = one_hot_encode(["ACGT"])[0]
    mutants, position, base = single_mutants(x)
    assert len(mutants) == 12
    for m, j, b in zip(mutants, position, base):
        assert m[b, j] == 1 and (m.sum(axis=0) == 1).all()
        assert (np.delete(m, j, axis=1) == np.delete(x, j, axis=1)).all()


@pytest.fixture(scope="module")
def short_model(motif_data):
    short = [s[40:70] for s in motif_data.X[:200]]
    return CNNClassifier(n_filters=4, max_epochs=1, verbose=0, random_state=0,
                         reverse_complement=False).fit(short, motif_data.y[:200]), short


def test_double_ism_is_the_epistasis_of_every_pair(short_model):
    from sklearn_demo.encoding import one_hot_encode

    model, short = short_model
    maps = InteractionExplainer(FrozenEstimator(model), method="double_ism").fit(
        short).transform(short[:1])[0]
    assert_allclose(maps, maps.T, atol=1e-6)
    x = one_hot_encode(short[:1])[0]

    def f(one_hot):
        return model.decision_function(one_hot[None].astype(np.float32))[0]

    mutants, position, base = single_mutants(x)
    for i, j in [(3, 17), (0, 29), (10, 11)]:
        terms = []
        for mi in mutants[position == i]:
            for mj in mutants[position == j]:
                double = mi.copy()
                double[:, j] = mj[:, j]
                terms.append(f(x) - f(mi) - f(mj) + f(double))
        assert_allclose(maps[i, j], np.mean(terms), atol=1e-4)
    ism = np.mean([f(x) - f(m) for m in mutants[position == 5]])
    assert_allclose(maps[5, 5], ism, atol=1e-4)


def test_dfim_is_the_drop_of_each_contribution_when_a_position_mutates(short_model):
    from sklearn_demo import SaliencyExplainer

    model, short = short_model
    maps = InteractionExplainer(FrozenEstimator(model)).fit(short).transform(short[:2])
    assert maps.shape == (2, 30, 30) and maps.dtype == np.float32
    gradient = SaliencyExplainer(FrozenEstimator(model), method="gradient",
                                 class_score="logit").fit(short)
    from sklearn_demo.encoding import one_hot_encode

    x = one_hot_encode(short[:1])[0]

    def contribution(one_hot):
        g = gradient.transform(one_hot[None].astype(np.float32))[0]
        return ((g - g.mean(axis=0)) * one_hot).sum(axis=0)

    mutants, position, _ = single_mutants(x)
    i = 12
    expected = contribution(x) - np.mean([contribution(m) for m in mutants[position == i]], axis=0)
    off = np.arange(30) != i
    assert_allclose(maps[0, i, off], expected[off], atol=1e-4)


def test_interaction_explainer_takes_targets_of_a_multitask_model(motif_data):
    y = np.column_stack([motif_data.y[:100], 1 - motif_data.y[:100]])
    short = [s[:25] for s in motif_data.X[:100]]
    tasks = CNNClassifier(n_filters=4, max_epochs=1, verbose=0, random_state=0,
                          task_names=["a", "b"]).fit(short, y)
    for target in ("a", "b"):
        maps = InteractionExplainer(FrozenEstimator(tasks), target=target).fit(short).transform(
            short[:1])
        alone = InteractionExplainer(FrozenEstimator(tasks.task_classifier(target))).fit(
            short).transform(short[:1])
        assert_allclose(maps, alone, atol=1e-5)
        scan = motif_spacing(tasks, "ACGTG", "TTAG", spacings=[1], backgrounds=short[:3],
                             target=target)
        assert_allclose(scan.logit, motif_spacing(tasks.task_classifier(target), "ACGTG", "TTAG",
                                                  spacings=[1], backgrounds=short[:3]).logit,
                        atol=1e-6)
        pair = site_interactions(tasks, short[:1], [[(0, 5), (10, 15)]], target=target,
                                 random_state=0)[0]
        assert_allclose(pair.matrix, site_interactions(tasks.task_classifier(target), short[:1],
                                                       [[(0, 5), (10, 15)]],
                                                       random_state=0)[0].matrix, atol=1e-6)
    with pytest.raises(ValueError, match="task"):
        motif_spacing(tasks, "ACGTG", "TTAG", spacings=[1], backgrounds=short[:3])
