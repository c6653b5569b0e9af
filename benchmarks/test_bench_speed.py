"""Speed of training and prediction, in one run:

* each network through its skorch estimator vs a minimal hand-written torch
  loop on the same module, data and batch size (the estimator's overhead);
* prediction throughput;
* achieved FLOP/s (FLOPs counted by ``torch.utils.flop_counter``) as a
  fraction of this machine's dense float32 matrix-multiply rate, measured here;
* gkm-SVM and the CNN as the training set grows (1k, 2k, 4k, 8k).

Run: python -m pytest benchmarks/test_bench_speed.py --benchmark-only --benchmark-json=benchmarks/results/speed.json
"""
import time

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, GappedKmerSVC, RNNClassifier, make_motif_dataset,
)
from sklearn_demo.encoding import one_hot_encode

N_TRAIN = 4096
BATCH = 256
NETWORKS = [CNNClassifier, RNNClassifier, CNNRNNClassifier]


@pytest.fixture(scope="module")
def data():
    motif = make_motif_dataset(N_TRAIN, random_state=0)
    return one_hot_encode(motif.X), motif.y


@pytest.fixture(scope="module")
def matmul_flops():
    """Dense float32 matmul rate of this machine (FLOP/s), best of 5."""
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    a @ b
    best = min(_time(lambda: a @ b) for _ in range(5))
    return 2 * 2048 ** 3 / best


def _time(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _epoch_flops(module, X, y):
    """FLOPs of one training epoch (forward and backward) of ``module``."""
    with FlopCounterMode(display=False) as counter:
        out = module(torch.as_tensor(X[:BATCH]))
        torch.nn.functional.binary_cross_entropy_with_logits(
            out, torch.as_tensor(y[:BATCH], dtype=torch.float32)).backward()
    return counter.get_total_flops() * len(X) / BATCH


def _hand_loop(module, X, y):
    """One epoch of the minimal loop: Adam, shuffled batches, BCE with logits."""
    optimizer = torch.optim.Adam(module.parameters(), lr=0.01)
    module.train()
    order = torch.randperm(len(X))
    Xt, yt = torch.as_tensor(X), torch.as_tensor(y, dtype=torch.float32)
    for start in range(0, len(X), BATCH):
        idx = order[start:start + BATCH]
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(module(Xt[idx]), yt[idx])
        loss.backward()
        optimizer.step()


@pytest.mark.parametrize("cls", NETWORKS, ids=lambda c: c.__name__)
def test_training_throughput_estimator_vs_hand_loop(benchmark, data, cls, matmul_flops):
    X, y = data
    estimator = cls(max_epochs=1, validation_fraction=0, clip_norm=None, lr_step=None,
                    verbose=0, random_state=0)
    estimator.fit(X[:BATCH], y[:BATCH])  # warm-up
    benchmark.group = f"train one epoch, {N_TRAIN} x 101 bp"
    benchmark.pedantic(lambda: estimator.fit(X, y), rounds=3, iterations=1)
    estimator_s = benchmark.stats.stats.min
    module = estimator.module_
    hand_s = min(_time(lambda: _hand_loop(module, X, y)) for _ in range(3))
    flops = _epoch_flops(module, X, y)
    benchmark.extra_info.update({
        "estimator_seq_per_s": N_TRAIN / estimator_s,
        "hand_loop_seq_per_s": N_TRAIN / hand_s,
        "estimator_over_hand_loop_time": estimator_s / hand_s,
        "achieved_gflop_per_s": flops / estimator_s / 1e9,
        "fraction_of_matmul_rate": flops / estimator_s / matmul_flops,
        "matmul_gflop_per_s": matmul_flops / 1e9,
    })
    assert estimator_s / hand_s < 1.5  # skorch's overhead stays small


@pytest.mark.parametrize("cls", NETWORKS, ids=lambda c: c.__name__)
def test_prediction_throughput(benchmark, data, cls, matmul_flops):
    X, y = data
    estimator = cls(max_epochs=1, validation_fraction=0, verbose=0, random_state=0).fit(X[:512], y[:512])
    benchmark.group = f"predict_proba, {N_TRAIN} x 101 bp"
    benchmark.pedantic(lambda: estimator.predict_proba(X), rounds=3, iterations=1)
    seconds = benchmark.stats.stats.min
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        estimator.module_.eval()(torch.as_tensor(X[:BATCH]))
    flops = counter.get_total_flops() * len(X) / BATCH
    benchmark.extra_info.update({
        "seq_per_s": N_TRAIN / seconds,
        "achieved_gflop_per_s": flops / seconds / 1e9,
        "fraction_of_matmul_rate": flops / seconds / matmul_flops,
    })


@pytest.mark.parametrize("n", [1000, 2000, 4000, 8000])
@pytest.mark.parametrize("make", [
    lambda: GappedKmerSVC(calibration_cv=2),
    lambda: CNNClassifier(max_epochs=5, validation_fraction=0, verbose=0, random_state=0),
], ids=["GappedKmerSVC", "CNNClassifier-5-epochs"])
def test_training_cost_grows_with_data(benchmark, make, n):
    motif = make_motif_dataset(n + 1000, random_state=1)
    benchmark.group = "train time vs training set size"
    model = benchmark.pedantic(lambda: make().fit(motif.X[:n], motif.y[:n]), rounds=1,
                               iterations=1)
    start = time.perf_counter()
    model.predict_proba(motif.X[n:])
    benchmark.extra_info.update({"n_train": n, "predict_1000_s": time.perf_counter() - start})
    assert np.isfinite(model.predict_proba(motif.X[n:n + 5])).all()
