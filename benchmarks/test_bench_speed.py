"""Speed of training and prediction, in one run:

* each network through its skorch estimator vs a minimal hand-written torch
  loop on the same module, data, batch size and precision (the estimator's
  overhead);
* prediction throughput;
* achieved FLOP/s as a fraction of the best dense matrix-multiply rate this
  device reaches in the precisions the run uses (float32, and bfloat16 for
  mixed precision), measured here. FLOPs are counted by
  ``torch.utils.flop_counter``, which counts none for the fused LSTM kernels,
  so the LSTM's matrix products are added analytically (:func:`_lstm_flops`);
* float32 and bfloat16 mixed precision (``precision="bfloat16"``).

How training cost grows with the training set is in ``test_bench_scaling.py``.

Run on CPU, or on a GPU with ``--bench-device cuda``::

    python -m pytest benchmarks/test_bench_speed.py --benchmark-only \
        --benchmark-json=benchmarks/results/speed.json
    python -m pytest benchmarks/test_bench_speed.py --benchmark-only --bench-device cuda \
        --benchmark-json=benchmarks/results/speed-cuda.json
"""
import time

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from sklearn_demo import CNNClassifier, CNNRNNClassifier, RNNClassifier, make_motif_dataset
from sklearn_demo.encoding import one_hot_encode
from sklearn_demo.precision import PRECISIONS, mixed_precision

N_TRAIN = 4096
BATCH = 256
NETWORKS = [CNNClassifier, RNNClassifier, CNNRNNClassifier]


@pytest.fixture(scope="module")
def data():
    motif = make_motif_dataset(N_TRAIN, random_state=0)
    return one_hot_encode(motif.X), motif.y


@pytest.fixture(scope="module")
def matmul_flops(device):
    """Best dense matmul rate (FLOP/s) of ``device`` available to a run in each
    precision: mixed precision may use float32 or bfloat16 products, so its
    ceiling is the faster of the two (on CPUs without bfloat16 units,
    bfloat16 products are emulated and far slower than float32)."""
    rates = {precision: _matmul_rate(device, dtype) for precision, dtype in PRECISIONS.items()}
    return {precision: max(rates["float32"], rate) for precision, rate in rates.items()}


def _matmul_rate(device, dtype):
    """Best of 3 at the first size from 256 (doubling, up to 8192) whose
    product takes at least 50 ms: big enough to reach the peak, small enough
    not to take minutes where a precision is emulated (bfloat16 on CPUs
    without bfloat16 units)."""
    n = 256
    while True:
        a, b = (torch.randn(n, n, device=device, dtype=dtype) for _ in range(2))
        a @ b
        seconds = min(_time(lambda: a @ b, device) for _ in range(3))
        if seconds >= 0.05 or n >= 8192:
            return 2 * n ** 3 / seconds
        n *= 2


def _time(fn, device):
    """Seconds ``fn`` takes, waiting for queued GPU work to finish."""
    sync = torch.cuda.synchronize if str(device).startswith("cuda") else (lambda: None)
    sync()
    start = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - start


def _lstm_flops(module, batch, length):
    """FLOPs of the LSTMs' matrix products in one forward pass: per position,
    direction and sequence, four gates of (input + hidden) x hidden multiply-adds."""
    return sum(2 * (1 + lstm.bidirectional) * batch * length * 4 * lstm.hidden_size
               * (lstm.input_size + lstm.hidden_size)
               for lstm in module.modules() if isinstance(lstm, torch.nn.LSTM))


def _batch_flops(module, X, y, device, precision, *, train):
    """FLOPs of one batch: forward, plus backward (twice the forward's matrix
    products) when ``train``."""
    Xb = torch.as_tensor(X[:BATCH], device=device)
    with FlopCounterMode(display=False) as counter, mixed_precision(device, precision):
        out = module(Xb)
        if train:
            torch.nn.functional.binary_cross_entropy_with_logits(
                out.float(), torch.as_tensor(y[:BATCH], dtype=torch.float32, device=device)
            ).backward()
    return counter.get_total_flops() + (3 if train else 1) * _lstm_flops(module, BATCH, X.shape[2])


def _hand_loop(module, X, y, device, precision):
    """One epoch of the minimal loop: Adam, shuffled batches, BCE with logits."""
    optimizer = torch.optim.Adam(module.parameters(), lr=0.01)
    module.train()
    order = torch.randperm(len(X))
    Xt = torch.as_tensor(X, device=device)
    yt = torch.as_tensor(y, dtype=torch.float32, device=device)
    for start in range(0, len(X), BATCH):
        idx = order[start:start + BATCH].to(device)
        optimizer.zero_grad()
        with mixed_precision(device, precision):
            logits = module(Xt[idx]).float()
        torch.nn.functional.binary_cross_entropy_with_logits(logits, yt[idx]).backward()
        optimizer.step()


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("cls", NETWORKS, ids=lambda c: c.__name__)
def test_training_throughput_estimator_vs_hand_loop(benchmark, data, cls, precision, device,
                                                    matmul_flops):
    X, y = data
    # The hand loop's batch size: on a GPU an epoch of small batches is bound
    # by kernel launches, so a different batch size would compare unlike work.
    estimator = cls(max_epochs=1, validation_fraction=0, clip_norm=None, lr_step=None,
                    batch_size=BATCH, verbose=0, random_state=0, device=device,
                    precision=precision)
    estimator.fit(X[:BATCH], y[:BATCH])  # warm-up
    benchmark.group = f"train one epoch, {N_TRAIN} x 101 bp, {device}"
    benchmark.pedantic(lambda: _time(lambda: estimator.fit(X, y), device), rounds=3,
                       iterations=1)
    estimator_s = benchmark.stats.stats.min
    module = estimator.module_
    hand_s = min(_time(lambda: _hand_loop(module, X, y, device, precision), device)
                 for _ in range(3))
    flops = _batch_flops(module, X, y, device, precision, train=True) * len(X) / BATCH
    benchmark.extra_info.update({
        "estimator_seq_per_s": N_TRAIN / estimator_s,
        "hand_loop_seq_per_s": N_TRAIN / hand_s,
        "estimator_over_hand_loop_time": estimator_s / hand_s,
        "achieved_gflop_per_s": flops / estimator_s / 1e9,
        "fraction_of_matmul_rate": flops / estimator_s / matmul_flops[precision],
        "matmul_gflop_per_s": matmul_flops[precision] / 1e9,
    })
    # skorch's overhead stays small: under 1.5x the hand loop, or, where an
    # epoch is as short as a GPU makes it (about 50 ms on an H200), under the
    # fit's fixed cost (module and optimiser set-up, input checks; about 50 ms
    # there), which does not grow with the data.
    assert estimator_s / hand_s < 1.5 or estimator_s - hand_s < 0.1


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("cls", NETWORKS, ids=lambda c: c.__name__)
def test_prediction_throughput(benchmark, data, cls, precision, device, matmul_flops):
    X, y = data
    estimator = cls(max_epochs=1, validation_fraction=0, verbose=0, random_state=0,
                    device=device, precision=precision).fit(X[:512], y[:512])
    benchmark.group = f"predict_proba, {N_TRAIN} x 101 bp, {device}"
    benchmark.pedantic(lambda: estimator.predict_proba(X), rounds=3, iterations=1)
    seconds = benchmark.stats.stats.min
    with torch.no_grad():
        flops = _batch_flops(estimator.module_.eval(), X, y, device, precision,
                             train=False) * len(X) / BATCH
    benchmark.extra_info.update({
        "seq_per_s": N_TRAIN / seconds,
        "achieved_gflop_per_s": flops / seconds / 1e9,
        "fraction_of_matmul_rate": flops / seconds / matmul_flops[precision],
        "matmul_gflop_per_s": matmul_flops[precision] / 1e9,
    })
