"""pytest-benchmark: TemporalScorer's batched passes vs the naive loop of L
model calls, at L=101 and L=1000, on DeMo's CNN-RNN.

Run (on a GPU with ``--bench-device cuda``)::

    python -m pytest benchmarks/test_bench_temporal.py --benchmark-only \
        --benchmark-json=benchmarks/results/temporal.json
"""
import pytest
from sklearn.frozen import FrozenEstimator

from sklearn_demo import CNNRNNClassifier, RNNClassifier, TemporalScorer, make_motif_dataset


@pytest.fixture(scope="module")
def models(device):
    data = make_motif_dataset(300, random_state=0)
    return {cls.__name__: cls(max_epochs=1, random_state=0, verbose=0, device=device)
            .fit(data.X, data.y)
            for cls in (RNNClassifier, CNNRNNClassifier)}


@pytest.mark.parametrize("model", ["RNNClassifier", "CNNRNNClassifier"])
@pytest.mark.parametrize("length, n", [(101, 16), (1000, 1)])
@pytest.mark.parametrize("algorithm", ["batched", "loop"])
def test_temporal_scores(benchmark, models, random_dna, model, length, n, algorithm):
    X = random_dna(length, n)
    scorer = TemporalScorer(FrozenEstimator(models[model]), algorithm=algorithm).fit(X)
    benchmark.group = f"{model} L={length} n={n}"
    scores = benchmark.pedantic(scorer.transform, args=(X,), rounds=2, iterations=1,
                                warmup_rounds=0)
    assert scores.shape == (n, 2, length)
