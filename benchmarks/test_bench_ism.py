"""pytest-benchmark: in-silico saturation mutagenesis of DeMo's CNN from the
receptive field of each substitution only
(:class:`~sklearn_demo.explain.methods.local_ism.LocalMutagenesis`, fastISM's
idea) vs a whole forward pass of every mutant, at L=101 and L=1000.

Run (on a GPU with ``--bench-device cuda``)::

    python -m pytest benchmarks/test_bench_ism.py --benchmark-only \
        --benchmark-json=benchmarks/results/ism.json
"""
import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator

from sklearn_demo import CNNClassifier, SaliencyExplainer, make_motif_dataset
from sklearn_demo.explain.methods import saturation_mutagenesis


@pytest.fixture(scope="module")
def explainer(device):
    data = make_motif_dataset(300, random_state=0)
    model = CNNClassifier(max_epochs=1, random_state=0, verbose=0, device=device).fit(
        data.X, data.y)
    return SaliencyExplainer(FrozenEstimator(model), method="ism").fit(data.X[:2])


@pytest.mark.parametrize("length, n", [(101, 32), (1000, 2)])
@pytest.mark.parametrize("algorithm", ["receptive field", "whole passes"])
def test_cnn_mutagenesis(benchmark, explainer, length, n, algorithm):
    X = np.eye(4, dtype=np.float32)[np.random.default_rng(0).integers(4, size=(n, length))]
    X = np.ascontiguousarray(X.transpose(0, 2, 1))
    local = explainer._local_mutagenesis() if algorithm == "receptive field" else None
    benchmark.group = f"CNNClassifier L={length} n={n}"
    scores = benchmark.pedantic(
        saturation_mutagenesis, args=(explainer._class_score, X),
        kwargs=dict(device=explainer.classifier_.device, local=local),
        rounds=3, iterations=1, warmup_rounds=1)
    assert scores.shape == X.shape
