"""The ``sklearn-demo`` command line.

* ``sklearn-demo compare`` trains the three DeMo architectures on a dataset
  (default: the embedded planted-motif set from :func:`make_motif_dataset`),
  scores them on a held-out test set, and writes ``metrics.csv``,
  ``metrics.json`` and ``roc_pr.png`` to the output folder.
* ``sklearn-demo train`` fits one architecture on a DeepBind ``.seq(.gz)``
  file or a FASTA file of positives (negatives by dinucleotide shuffle) and
  saves it with :func:`save_model`.
* ``sklearn-demo predict`` streams a FASTA file through a saved model.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

from ._atomic import atomic_path
from .datasets import fetch_deepbind_encode, make_motif_dataset, read_training_file
from .estimators import CNNClassifier, CNNRNNClassifier, RNNClassifier
from .persistence import load_model, save_model
from .streaming import predict_fasta

MODELS = {"cnn": CNNClassifier, "rnn": RNNClassifier, "cnnrnn": CNNRNNClassifier}


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


def _parse_models(text: str) -> list[str]:
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in MODELS]
    if unknown or not names:
        raise UsageError(
            f"unknown model name(s) {', '.join(unknown) or repr(text)}; choose from "
            f"{', '.join(MODELS)}"
        )
    return names


def _fetch(args: argparse.Namespace):
    """The DeepBind dataset named by ``--dataset``, through the cache or mirror."""
    return fetch_deepbind_encode(args.dataset, data_home=args.data_home, mirror=args.mirror,
                                 random_state=args.seed)


def _load_data(args: argparse.Namespace):
    if args.dataset:
        data = _fetch(args)
        return data.name, data.X_train, data.y_train, data.X_test, data.y_test
    data = make_motif_dataset(args.n_samples, random_state=args.seed)
    X_train, X_test, y_train, y_test = train_test_split(
        data.X, data.y, test_size=0.25, stratify=data.y, random_state=args.seed)
    motifs = "+".join(data.motif_names[m] for m in data.motifs)
    return f"planted {motifs} motifs (synthetic)", X_train, y_train, X_test, y_test


def run_train(args: argparse.Namespace) -> None:
    """Fit one architecture and save it."""
    key = _parse_models(args.model)
    if len(key) != 1:
        raise UsageError("train fits one model: pass --model cnn, rnn or cnnrnn")
    if args.dataset:
        data = _fetch(args)
        X, y = data.X_train, data.y_train
    else:
        X, y = read_training_file(args.data, random_state=args.seed)
    clf = MODELS[key[0]](max_epochs=args.epochs, device=args.device, random_state=args.seed,
                         verbose=0 if args.quiet else 1)
    clf.fit(X, y)
    save_model(clf, args.out)
    if not args.quiet:
        print(f"saved {type(clf).__name__} trained on {len(X)} sequences to {args.out}")


def run_predict(args: argparse.Namespace) -> None:
    """Stream a FASTA file through a saved model."""
    n = predict_fasta(load_model(args.model, device=args.device), args.input, args.out,
                      batch_size=args.batch_size)
    if not args.quiet:
        print(f"wrote {n} predictions to {args.out}")


def _write_atomic(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def plot_curves(curves: dict[str, tuple[np.ndarray, np.ndarray]], path: Path) -> None:
    """ROC and precision-recall curves of each model, side by side, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import PrecisionRecallDisplay, RocCurveDisplay

    fig, (roc_ax, pr_ax) = plt.subplots(1, 2, figsize=(10, 4.5))
    for name, (y_true, y_score) in curves.items():
        RocCurveDisplay.from_predictions(y_true, y_score, name=name, ax=roc_ax)
        PrecisionRecallDisplay.from_predictions(y_true, y_score, name=name, ax=pr_ax)
    roc_ax.plot([0, 1], [0, 1], ls=":", color="grey")
    roc_ax.set_title("ROC on the test set")
    pr_ax.set_title("Precision-recall on the test set")
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)


def run_compare(args: argparse.Namespace) -> list[dict]:
    """Train, score and report each requested model; returns the metric rows."""
    models = _parse_models(args.models)
    name, X_train, y_train, X_test, y_test = _load_data(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    log(f"dataset: {name}: {len(X_train)} training and {len(X_test)} test sequences")
    rows, curves = [], {}
    for key in models:
        log(f"training {MODELS[key].__name__} (up to {args.epochs} epochs, seed {args.seed})")
        clf = MODELS[key](max_epochs=args.epochs, device=args.device,
                          random_state=args.seed, verbose=0 if args.quiet else 1)
        start = time.perf_counter()
        clf.fit(X_train, y_train)
        train_s = time.perf_counter() - start
        start = time.perf_counter()
        score = clf.predict_proba(X_test)[:, 1]
        predict_s = time.perf_counter() - start
        positive = (np.asarray(y_test) == clf.classes_[1]).astype(int)
        rows.append({
            "model": MODELS[key].__name__,
            "test_auc": round(float(roc_auc_score(positive, score)), 4),
            "test_auprc": round(float(average_precision_score(positive, score)), 4),
            "epochs_run": len(clf.history),
            "train_seconds": round(train_s, 2),
            "predict_seconds": round(predict_s, 3),
        })
        curves[MODELS[key].__name__] = (positive, score)
        log("  " + ", ".join(f"{k}={v}" for k, v in rows[-1].items()))
    header = list(rows[0])
    _write_atomic(out / "metrics.csv", "\n".join(
        [",".join(header)] + [",".join(str(row[k]) for k in header) for row in rows]) + "\n")
    from . import __version__

    _write_atomic(out / "metrics.json", json.dumps({
        "dataset": name,
        "command": " ".join(["sklearn-demo"] + sys.argv[1:]),
        "seed": args.seed,
        "versions": _versions(__version__),
        "results": rows,
    }, indent=2) + "\n")
    plot_curves(curves, out / "roc_pr.png")
    log(f"wrote {out / 'metrics.csv'}, {out / 'metrics.json'} and {out / 'roc_pr.png'}")
    return rows


def _versions(own: str) -> dict[str, str]:
    import skorch
    import sklearn
    import torch

    return {"sklearn_demo": own, "python": platform.python_version(),
            "torch": torch.__version__, "skorch": skorch.__version__,
            "scikit-learn": sklearn.__version__, "numpy": np.__version__}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sklearn-demo",
        description="Train and compare DeMo's CNN, RNN and CNN-RNN on DNA sequences.")
    sub = parser.add_subparsers(dest="command", required=True)
    compare = sub.add_parser(
        "compare", help="train the three architectures and report test metrics")
    source = compare.add_mutually_exclusive_group()
    source.add_argument("--dataset", help="a DeepBind ENCODE dataset name (or unique prefix)")
    source.add_argument("--n-samples", type=int, default=3000,
                        help="size of the embedded planted-motif dataset (default 3000)")
    compare.add_argument("--data-home", help="cache folder for fetched datasets")
    compare.add_argument("--mirror", help="offline mirror folder of the DeepBind files")
    compare.add_argument("--models", default="cnn,rnn,cnnrnn",
                         help="comma-separated subset of cnn,rnn,cnnrnn")
    compare.add_argument("--epochs", type=int, default=20, help="maximum epochs (default 20)")
    compare.add_argument("--device", default="cpu", help="cpu or cuda")
    compare.add_argument("--seed", type=int, default=0)
    compare.add_argument("--out", default="results", help="output folder (default results)")
    compare.add_argument("--quiet", action="store_true", help="print nothing but errors")

    train = sub.add_parser("train", help="fit one architecture and save it")
    source = train.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", help="DeepBind .seq(.gz) file, or FASTA of positives")
    source.add_argument("--dataset", help="a DeepBind ENCODE dataset name (or unique prefix)")
    train.add_argument("--data-home", help="cache folder for fetched datasets")
    train.add_argument("--mirror", help="offline mirror folder of the DeepBind files")
    train.add_argument("--model", default="cnnrnn", help="cnn, rnn or cnnrnn (default cnnrnn)")
    train.add_argument("--epochs", type=int, default=50, help="maximum epochs (default 50)")
    train.add_argument("--device", default="cpu")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", required=True, help="model file to write")
    train.add_argument("--quiet", action="store_true")

    predict = sub.add_parser("predict", help="score a FASTA file with a saved model")
    predict.add_argument("--model", required=True, help="a file written by train")
    predict.add_argument("--input", required=True, help="FASTA file (plain or gzip)")
    predict.add_argument("--out", required=True, help="TSV of name and probability")
    predict.add_argument("--batch-size", type=int, default=10_000)
    predict.add_argument("--device", default="cpu")
    predict.add_argument("--quiet", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sklearn-demo`` command."""
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "epochs", 1) < 1:
            raise UsageError(f"--epochs must be at least 1, got {args.epochs}")
        {"compare": run_compare, "train": run_train, "predict": run_predict}[args.command](args)
    except (UsageError, ValueError, TypeError, FileNotFoundError, OSError) as exc:
        print(f"sklearn-demo: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
