import pickle
from collections import Counter

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_validate

from sklearn_demo import make_motif_dataset
from sklearn_demo.baselines import GappedKmerSVC, KmerClassifier, canonical_kmers
from sklearn_demo.encoding import one_hot_encode
from sklearn_demo.gkm_features import GkmNystroem, gkm_kernel


@pytest.fixture(scope="module")
def small():
    return make_motif_dataset(160, random_state=3)


def quick_gkm(**params):
    return GappedKmerSVC(l=6, k=4, d=2, calibration_cv=2, **params)


def test_canonical_kmers_match_a_brute_force_count():
    rng = np.random.RandomState(0)
    seq = "".join(rng.choice(list("ACGT"), 60)) + "NNACG"
    rc = {"A": "T", "C": "G", "G": "C", "T": "A"}
    expected = Counter()
    for i in range(len(seq) - 3):
        kmer = seq[i:i + 4]
        if set(kmer) <= set("ACGT"):
            other = "".join(rc[b] for b in reversed(kmer))
            expected[min(kmer, other)] += 1
    assert Counter(canonical_kmers(seq, 4)) == expected
    assert Counter(canonical_kmers("AAAA", 2, merge_reverse_complement=False)) == {"AA": 3}


def test_kmer_classifier_learns_and_maps_labels(motif_data):
    labels = np.where(motif_data.y == 1, "bound", "unbound")
    clf = KmerClassifier(k=5).fit(motif_data.X[:450], labels[:450])
    assert clf.classes_.tolist() == ["bound", "unbound"]
    proba = clf.predict_proba(motif_data.X[450:])
    assert roc_auc_score(labels[450:] == "unbound", proba[:, 1]) > 0.8
    np.testing.assert_allclose(clf.decision_function(motif_data.X[450:]),
                               np.log(proba[:, 1] / proba[:, 0]), rtol=1e-6, atol=1e-8)
    # One-hot input gives the same model.
    same = KmerClassifier(k=5).fit(one_hot_encode(motif_data.X[:450]), labels[:450])
    np.testing.assert_allclose(same.predict_proba(motif_data.X[450:]), proba, atol=1e-12)


def test_gkm_svc_matches_gkmsvm_lite_and_calibrates(small):
    from gkmsvm import train_gkmsvm

    X, y = small.X, small.y
    svc = quick_gkm().fit(X, y)
    reference = train_gkmsvm(one_hot_encode(X[y == 1]), one_hot_encode(X[y == 0]), l=6, k=4, d=2,
                             kernel_type="estimated", device="cpu")
    np.testing.assert_allclose(svc.decision_function(X[:20]),
                               np.asarray(reference(one_hot_encode(X[:20]))).ravel(),
                               rtol=1e-4, atol=1e-5)
    proba = svc.predict_proba(X)
    np.testing.assert_allclose(proba.sum(1), 1, atol=1e-12)
    # Platt scaling is monotone in the decision value.
    order = np.argsort(svc.decision_function(X))
    assert np.all(np.diff(proba[order, 1]) >= -1e-12)
    assert svc.n_support_ > 0


def test_nystroem_features_reproduce_the_kernel_with_every_sequence_a_landmark(small):
    """With as many landmarks as sequences the map is exact: feature inner
    products are gkmsvm-lite's kernel matrix; with fewer, an approximation."""
    from gkmsvm.gram import compute_gram

    X = one_hot_encode(small.X[:60])
    exact = compute_gram(gkm_kernel("estimated", 6, 4, 2, True), X)
    features = GkmNystroem(l=6, k=4, d=2, n_components=60).fit_transform(X)
    np.testing.assert_allclose(features @ features.T, exact, atol=1e-6)
    errors = []
    for m in (15, 30, 45):
        nystroem = GkmNystroem(l=6, k=4, d=2, n_components=m).fit(X)
        fewer = nystroem.transform(X)
        landmarks = nystroem.transform(nystroem.landmarks_)  # exact among themselves
        chosen = [np.flatnonzero((X == row).all(axis=(1, 2)))[0] for row in nystroem.landmarks_]
        np.testing.assert_allclose(landmarks @ landmarks.T, exact[np.ix_(chosen, chosen)],
                                   atol=1e-6)
        errors.append(np.abs(fewer @ fewer.T - exact).mean())
    assert errors[0] > errors[1] > errors[2] > 0


@pytest.mark.slow
def test_nystroem_solver_ranks_like_the_exact_svm(motif_data):
    X, y = motif_data.X, motif_data.y
    exact = quick_gkm().fit(X[:450], y[:450])
    approx = quick_gkm(solver="nystroem", n_components=200).fit(X[:450], y[:450])
    assert approx.n_support_ is None and approx.features_.landmarks_.shape[0] == 200
    auc = [roc_auc_score(y[450:], m.predict_proba(X[450:])[:, 1]) for m in (exact, approx)]
    assert auc[1] > 0.9 and abs(auc[0] - auc[1]) < 0.05
    with pytest.raises(ValueError, match="solver='nystroem' takes kernel in"):
        quick_gkm(solver="nystroem", kernel="rbf").fit(X[:40], y[:40])


@pytest.mark.parametrize("make", [lambda: KmerClassifier(k=3), quick_gkm,
                                  lambda: quick_gkm(solver="nystroem", n_components=50)],
                         ids=["kmer", "gkm", "gkm-nystroem"])
def test_estimator_contract(make, small):
    """What scikit-learn's checks would test; they skip string-input estimators."""
    est = make()
    params = est.get_params()
    assert vars(est).keys() == params.keys()
    assert clone(est).get_params() == params
    with pytest.raises(NotFittedError):
        est.predict_proba(small.X[:2])
    assert est.fit(small.X, small.y) is est
    first = est.predict_proba(small.X[:10])
    np.testing.assert_array_equal(clone(est).fit(small.X, small.y).predict_proba(small.X[:10]), first)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(est)).predict_proba(small.X[:10]), first)
    assert cross_validate(clone(est), small.X, small.y, cv=2, scoring="roc_auc")["test_score"].shape == (2,)


@pytest.mark.parametrize("est, X, y, message", [
    (KmerClassifier(k=0), ["ACGT"] * 2, [0, 1], "'k' must be an integer in \\[1, 12\\]"),
    (KmerClassifier(), ["ACGT"] * 3, [0, 1, 2], "Only binary classification"),
    (KmerClassifier(), ["ACXT", "ACGT"], [0, 1], "invalid character 'X'"),
    (GappedKmerSVC(kernel="poly"), ["ACGTACGTACGT"] * 2, [0, 1], "'kernel' must be one of"),
    (GappedKmerSVC(l=20), ["ACGTACGTACGT"] * 2, [0, 1], "shorter than l=20"),
    (GappedKmerSVC(k=12, l=11), ["ACGTACGTACGT"] * 2, [0, 1], "need 1 <= k <= l"),
])
def test_bad_input_is_named(est, X, y, message):
    with pytest.raises(ValueError, match=message):
        est.fit(X, y)
