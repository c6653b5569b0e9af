"""pytest-benchmark: in-silico saturation mutagenesis of DeMo's CNN from the
receptive field of each substitution only
(:class:`~sklearn_demo.explain.methods.local_ism.LocalMutagenesis`, fastISM's
idea) vs a whole forward pass of every mutant, and vs tangermeme's own
fastISM (``saturation_mutagenesis(fast=True)``, which captures the model with
``torch.export``), at L=101 and L=1000 (``pip install -e .[bench]``).

Run (on a GPU with ``--bench-device cuda``)::

    python -m pytest benchmarks/test_bench_ism.py --benchmark-only \
        --benchmark-json=benchmarks/results/ism.json
"""
import pytest
import torch
from sklearn.frozen import FrozenEstimator

from sklearn_demo import CNNClassifier, SaliencyExplainer
from sklearn_demo.encoding import one_hot_encode


@pytest.fixture(scope="module")
def model(one_epoch_model):
    return one_epoch_model(CNNClassifier)


@pytest.mark.parametrize("length, n", [(101, 32), (1000, 2)])
@pytest.mark.parametrize("algorithm", ["receptive field", "whole passes", "tangermeme fast"])
def test_cnn_mutagenesis(benchmark, model, random_dna, length, n, algorithm):
    X = one_hot_encode(random_dna(length, n))
    benchmark.group = f"CNNClassifier L={length} n={n}"
    if algorithm == "tangermeme fast":
        tangermeme = pytest.importorskip("tangermeme.saturation_mutagenesis")
        # tangermeme tries its fast path only on jobs it expects to take 30 s
        # or more; here it always tries (and checks it against whole passes).
        tangermeme._FAST_MIN_SECONDS = 0.0
        logit = torch.nn.Sequential(model.module_.eval(), torch.nn.Unflatten(0, (-1, 1)))
        scores = benchmark.pedantic(
            lambda: tangermeme.saturation_mutagenesis(
                logit, torch.as_tensor(X), raw_outputs=True, batch_size=256,
                device=model.device, fast=True), rounds=3, iterations=1, warmup_rounds=1)
        assert scores is not None
        return
    explainer = SaliencyExplainer(
        FrozenEstimator(model), method="ism", class_score="logit",
        ism_algorithm="auto" if algorithm == "receptive field" else "whole_passes").fit(X[:1])
    scores = benchmark.pedantic(explainer.transform, args=(X,), rounds=3, iterations=1,
                                warmup_rounds=1)
    assert scores.shape == X.shape
