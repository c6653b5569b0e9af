"""The ``sklearn-demo`` command line.

``sklearn-demo compare`` trains the three DeMo architectures on a dataset
(default: the embedded planted-motif set from :func:`make_motif_dataset`),
scores them on a held-out test set, and writes ``metrics.csv``,
``metrics.json`` and ``roc_pr.png`` to the output folder.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

from .datasets import fetch_deepbind_encode, make_motif_dataset
from .estimators import CNNClassifier, CNNRNNClassifier, RNNClassifier

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


def _load_data(args: argparse.Namespace):
    if args.dataset:
        data = fetch_deepbind_encode(args.dataset, data_home=args.data_home,
                                     mirror=args.mirror, random_state=args.seed)
        return data.name, data.X_train, data.y_train, data.X_test, data.y_test
    data = make_motif_dataset(args.n_samples, random_state=args.seed)
    X_train, X_test, y_train, y_test = train_test_split(
        data.X, data.y, test_size=0.25, stratify=data.y, random_state=args.seed)
    motifs = "+".join(data.motif_names[m] for m in data.motifs)
    return f"planted {motifs} motifs (synthetic)", X_train, y_train, X_test, y_test


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w") as out:
        out.write(text)
    os.replace(tmp, path)


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
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".png")
    os.close(handle)
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)


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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sklearn-demo`` command."""
    args = build_parser().parse_args(argv)
    try:
        if args.epochs < 1:
            raise UsageError(f"--epochs must be at least 1, got {args.epochs}")
        run_compare(args)
    except (UsageError, ValueError, FileNotFoundError, OSError) as exc:
        print(f"sklearn-demo: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
