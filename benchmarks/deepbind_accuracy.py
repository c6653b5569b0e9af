"""Test AUC of DeMo's three architectures on DeepBind's ENCODE datasets,
beside the published DeepBind AUC for the same test sets.

Protocol (DeMo's): train on the ``_AC`` peaks plus one dinucleotide shuffle of
each, pick the best epoch on a stratified 10% validation split of that
training data, and score the ``_B`` test set once. All hyper-parameters are
the package defaults (DeMo's published configuration); nothing is tuned on
the test sets.

Usage::

    python benchmarks/deepbind_accuracy.py                      # all ten, all models
    python benchmarks/deepbind_accuracy.py --datasets REST CTCFL --models cnn cnnrnn

Results are appended as a dated section to ``benchmarks/RESULTS.md`` and
written in full to ``benchmarks/results/deepbind_accuracy.csv``.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
import skorch
import torch
from sklearn.metrics import average_precision_score, roc_auc_score

from sklearn_demo import CNNClassifier, CNNRNNClassifier, RNNClassifier, fetch_deepbind_encode
from sklearn_demo.datasets import DEEPBIND_ENCODE

HERE = Path(__file__).resolve().parent
MODELS = {"cnn": CNNClassifier, "rnn": RNNClassifier, "cnnrnn": CNNRNNClassifier}
DEFAULT_MIRROR = HERE.parent.parent / "shared" / "data" / "deepbind_encode"


def machine() -> str:
    """One line describing this machine and the library versions."""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    return (f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__} "
            f"({torch.get_num_threads()} threads), skorch {skorch.__version__}, "
            f"scikit-learn {sklearn.__version__}, Python {platform.python_version()}")


def run(datasets: list[str], models: list[str], args: argparse.Namespace) -> list[dict]:
    rows = []
    for name in datasets:
        data = fetch_deepbind_encode(name, data_home=args.data_home, mirror=args.mirror,
                                     random_state=args.seed)
        for key in models:
            clf = MODELS[key](max_epochs=args.max_epochs, random_state=args.seed,
                              device=args.device, verbose=args.verbose)
            start = time.perf_counter()
            clf.fit(data.X_train, data.y_train)
            train_s = time.perf_counter() - start
            start = time.perf_counter()
            score = clf.predict_proba(data.X_test)[:, 1]
            predict_s = time.perf_counter() - start
            history = clf.history
            best_epoch = int(np.argmin(history[:, "valid_loss"])) + 1
            row = {
                "dataset": data.name,
                "model": MODELS[key].__name__,
                "test_auc": roc_auc_score(data.y_test, score),
                "test_auprc": average_precision_score(data.y_test, score),
                "deepbind_auc": data.deepbind_auc,
                "epochs_run": len(history),
                "best_epoch": best_epoch,
                "train_s": train_s,
                "predict_s": predict_s,
            }
            rows.append(row)
            print(f"{row['dataset']:45s} {row['model']:17s} AUC {row['test_auc']:.3f} "
                  f"(DeepBind {row['deepbind_auc']:.3f}), {len(history)} epochs, "
                  f"{train_s:.0f} s", flush=True)
    return rows


def markdown(rows: list[dict], command: str) -> str:
    models = list(dict.fromkeys(row["model"] for row in rows))
    datasets = list(dict.fromkeys(row["dataset"] for row in rows))
    table = {(r["dataset"], r["model"]): r for r in rows}
    lines = [
        f"## DeepBind ENCODE test AUC, DeMo defaults ({datetime.date.today().isoformat()})",
        "",
        f"- Command: `{command}`",
        f"- Machine: {machine()}",
        "- Protocol: train on `_AC` peaks + one dinucleotide shuffle each, best epoch by "
        "validation loss on a stratified 10% split (patience 10), test once on `_B`.",
        "",
        "| dataset | " + " | ".join(f"{m} AUC" for m in models)
        + " | DeepBind AUC (published) | " + " | ".join(f"{m} epochs (best)" for m in models) + " |",
        "|---" * (2 * len(models) + 2) + "|",
    ]
    for name in datasets:
        cells = [f"{table[name, m]['test_auc']:.3f}" for m in models]
        epochs = [f"{table[name, m]['epochs_run']} ({table[name, m]['best_epoch']})" for m in models]
        lines.append(f"| {name} | " + " | ".join(cells)
                     + f" | {table[name, models[0]]['deepbind_auc']:.3f} | " + " | ".join(epochs) + " |")
    means = [np.mean([table[n, m]["test_auc"] for n in datasets]) for m in models]
    published = np.mean([table[n, models[0]]["deepbind_auc"] for n in datasets])
    lines.append("| **mean** | " + " | ".join(f"**{v:.3f}**" for v in means)
                 + f" | **{published:.3f}** |" + " |" * len(models))
    train = {m: sum(table[n, m]["train_s"] for n in datasets) for m in models}
    lines += ["", "Training time in total: "
              + ", ".join(f"{m} {train[m] / 60:.1f} min" for m in models) + ".", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DEEPBIND_ENCODE),
                        help="names or unique prefixes (default: all ten)")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--max-epochs", type=int, default=50)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mirror", default=os.environ.get("SKLEARN_DEMO_MIRROR", DEFAULT_MIRROR))
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--verbose", type=int, default=0)
    parser.add_argument("--results", default=HERE / "RESULTS.md", type=Path)
    args = parser.parse_args(argv)
    command = "python benchmarks/deepbind_accuracy.py " + " ".join(argv if argv is not None else sys.argv[1:])
    rows = run(args.datasets, args.models, args)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    with open(out / "deepbind_accuracy.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    section = markdown(rows, command.strip())
    previous = args.results.read_text() if args.results.exists() else "# Benchmark results\n\n"
    args.results.write_text(previous.rstrip("\n") + "\n\n" + section)
    print(section)


if __name__ == "__main__":
    main()
