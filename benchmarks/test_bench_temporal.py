"""pytest-benchmark: TemporalScorer's batched passes vs the naive loop of L
model calls, at L=101 and L=1000, on the three networks.

Run (on a GPU with ``--bench-device cuda``)::

    python -m pytest benchmarks/test_bench_temporal.py --benchmark-only \
        --benchmark-json=benchmarks/results/temporal.json
"""
import pytest
from sklearn.frozen import FrozenEstimator

from sklearn_demo import CNNClassifier, CNNRNNClassifier, RNNClassifier, TemporalScorer


@pytest.mark.parametrize("model", [CNNClassifier, RNNClassifier, CNNRNNClassifier],
                         ids=lambda c: c.__name__)
@pytest.mark.parametrize("length, n", [(101, 16), (1000, 1)])
@pytest.mark.parametrize("algorithm", ["batched", "loop"])
def test_temporal_scores(benchmark, one_epoch_model, random_dna, model, length, n, algorithm):
    X = random_dna(length, n)
    scorer = TemporalScorer(FrozenEstimator(one_epoch_model(model)), algorithm=algorithm).fit(X)
    benchmark.group = f"{model.__name__} L={length} n={n}"
    scores = benchmark.pedantic(scorer.transform, args=(X,), rounds=2, iterations=1,
                                warmup_rounds=0)
    assert scores.shape == (n, 2, length)
