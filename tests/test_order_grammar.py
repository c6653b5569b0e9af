"""The order grammar that only a recurrent layer can read: CTCF then AP-1,
30-50 bp apart, the label set by their order. The CNN-RNN reads it, the CNN
cannot, and the temporal score, the spacing scan and the site interactions
show it where it was planted.

The measured values behind the bounds are in ``benchmarks/RESULTS.md``
("Motif dependencies", "Dependencies with a known answer").
"""
import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, TemporalScorer, make_motif_dataset, order_effect,
)

# The grammar pair trains on 6,000 200-bp sequences: a generous timeout keeps a busy
# machine (3x slower) from failing it.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(1800)]


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
            for cls, epochs, params in ((CNNClassifier, 1, {"n_filters": 32}),
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
