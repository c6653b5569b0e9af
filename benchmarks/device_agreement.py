"""Explanations on a GPU against the same model's on the CPU.

Trains each network on ``--device`` (``--n-train`` planted-motif sequences,
``--epochs`` epochs), loads the saved model on the CPU as well
(:func:`~sklearn_demo.load_model`), and compares, on 8 sequences: saliency,
expected gradients (same seed, so the same references and samples), ISM and
temporal scores between the two devices; and on the device itself the CNN's
receptive-field ISM against whole forward passes and the batched temporal
scores against the loop. Each difference is the largest absolute one over
the largest absolute value of the CPU's (or the slower algorithm's) result.
A wiring error (another sequence's references, a misplaced mutant) shows as
a difference near 1; float32 on a GPU differs by rounding and, in cuDNN's
convolutions, by TF32 (about 1e-3). Exits 1 when a difference exceeds
``--tolerance``.

Beside them, for scale and outside the tolerance, each network's saliency
on the CPU in float64 against float32: how far rounding alone moves that map
(a barely trained model's max-pooling can pick between near-ties, and a
rounding then moves the gradient to another position: the CNN-RNN after one
epoch on 400 sequences moved by 8e-2, after five on 2,000 by 9e-5).

Usage::

    python benchmarks/device_agreement.py --device cuda [--n-train 2000] [--epochs 5] [--out DIR]
"""
from __future__ import annotations

import copy
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from sklearn.frozen import FrozenEstimator

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, RNNClassifier, SaliencyExplainer, TemporalScorer,
    load_model, make_motif_dataset, one_hot_encode, save_model,
)
from sklearn_demo.explain._base import evaluation_mode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ResultStore, benchmark_parser  # noqa: E402

#: The attribution methods compared across devices, with their parameters.
METHODS = {"saliency": {}, "expected_gradients": {"method": "expected_gradients", "n_samples": 50},
           "ism": {"method": "ism"}}


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max |b|."""
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))


def float64_saliency(clf: object, X: list[str]) -> np.ndarray:
    """DeMo's saliency (|d log p / dx| x) of a copy of ``clf``'s module in float64."""
    module = copy.deepcopy(clf.module_).double()
    x = torch.as_tensor(one_hot_encode(X), dtype=torch.float64).requires_grad_(True)
    with evaluation_mode(module):
        score = torch.nn.functional.logsigmoid(module(x).reshape(-1)).sum()
        gradient = torch.autograd.grad(score, x)[0]
    return (gradient.abs() * x).detach().numpy()


def agreement(device: str, n_train: int = 2000,
              epochs: int = 5) -> tuple[dict[str, float], dict[str, float]]:
    """Every comparison's relative difference, keyed by what it compares, and
    each network's float64-vs-float32 saliency difference on the CPU."""
    data = make_motif_dataset(n_train, random_state=0)
    X = data.X[:8]
    out, sensitivity = {}, {}
    for cls in (CNNClassifier, RNNClassifier, CNNRNNClassifier):
        clf = cls(max_epochs=epochs, random_state=0, verbose=0, device=device).fit(data.X,
                                                                                   data.y)
        with tempfile.TemporaryDirectory() as folder:
            cpu = load_model(save_model(clf, Path(folder) / "model"), device="cpu")
        name = cls.__name__
        for label, params in METHODS.items():
            ours, reference = (SaliencyExplainer(FrozenEstimator(model), **params).fit(X)
                               .transform(X) for model in (clf, cpu))
            out[f"{name} {label}: {device} vs cpu"] = relative_difference(ours, reference)
            if label == "saliency":
                sensitivity[f"{name} saliency on cpu: float32 vs float64"] = \
                    relative_difference(reference, float64_saliency(cpu, X))
        if cls is CNNClassifier:
            local, whole = (SaliencyExplainer(FrozenEstimator(clf), method="ism",
                                              ism_algorithm=algorithm).fit(X).transform(X)
                            for algorithm in ("auto", "whole_passes"))
            out[f"{name} ism on {device}: receptive field vs whole passes"] = \
                relative_difference(local, whole)
        else:
            batched, loop, on_cpu = (TemporalScorer(FrozenEstimator(model), algorithm=algorithm)
                                     .fit(X).transform(X) for model, algorithm in
                                     ((clf, "batched"), (clf, "loop"), (cpu, "batched")))
            out[f"{name} temporal on {device}: batched vs loop"] = relative_difference(batched,
                                                                                      loop)
            out[f"{name} temporal: {device} vs cpu"] = relative_difference(batched, on_cpu)
    return out, sensitivity


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__, device=True, epochs=5)
    parser.set_defaults(device="cuda")  # the device compared with the CPU
    parser.add_argument("--n-train", type=int, default=2000,
                        help="planted-motif sequences each network trains on")
    parser.add_argument("--tolerance", type=float, default=1e-2,
                        help="largest relative difference accepted")
    args = parser.parse_args(argv)
    results, sensitivity = agreement(args.device, args.n_train, args.epochs)
    failed = {key: value for key, value in results.items() if value > args.tolerance}
    for key, value in results.items():
        print(f"{value:.2e}  {key}{'  ABOVE TOLERANCE' if key in failed else ''}", flush=True)
    for key, value in sensitivity.items():
        print(f"{value:.2e}  {key} (for scale)", flush=True)
    ResultStore(args.out / "device_agreement.json", key=("device",)).merge(
        [{"device": args.device, "n_train": args.n_train, "epochs": args.epochs,
          "tolerance": args.tolerance, "relative_difference": results,
          "float64_sensitivity_on_cpu": sensitivity}])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
