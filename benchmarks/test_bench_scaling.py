"""How training and prediction cost grow with the training set (1k, 2k, 4k,
8k sequences): gkm-SVM, whose kernel matrix is quadratic in the number of
sequences, beside the CNN (5 epochs), linear in it.

Run: python -m pytest benchmarks/test_bench_scaling.py --benchmark-only --benchmark-json=benchmarks/results/scaling.json
(``--bench-device cuda`` puts the CNN on a GPU.)
"""
import time

import numpy as np
import pytest

from sklearn_demo import CNNClassifier, GappedKmerSVC, make_motif_dataset


@pytest.mark.parametrize("n", [1000, 2000, 4000, 8000])
@pytest.mark.parametrize("make", [
    lambda device: GappedKmerSVC(calibration_cv=2),
    lambda device: CNNClassifier(max_epochs=5, validation_fraction=0, verbose=0,
                                 random_state=0, device=device),
], ids=["GappedKmerSVC", "CNNClassifier-5-epochs"])
def test_training_cost_grows_with_data(benchmark, make, n, device):
    motif = make_motif_dataset(n + 1000, random_state=1)
    benchmark.group = "train time vs training set size"
    model = benchmark.pedantic(lambda: make(device).fit(motif.X[:n], motif.y[:n]), rounds=1,
                               iterations=1)
    start = time.perf_counter()
    model.predict_proba(motif.X[n:])
    benchmark.extra_info.update({"n_train": n, "predict_1000_s": time.perf_counter() - start})
    assert np.isfinite(model.predict_proba(motif.X[n:n + 5])).all()
