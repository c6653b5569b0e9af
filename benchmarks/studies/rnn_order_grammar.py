"""Which settings let the RNN read an order grammar, one change at a time.

The data are those of ``motif_dependencies.py`` (mixed form: 200 bp, CTCF then
AP-1 30-50 bp apart in positives; the reverse order, or a single site, in
negatives; motif presence alone reaches test AUC 0.70). With its defaults and
6,000 training sequences the RNN stayed near chance (test AUC 0.54). Each row
trains an ``RNNClassifier`` with the defaults changed as its label says, on
``--n-train`` sequences (or the row's own), for at most ``--epochs`` epochs
with the package's early stopping, and scores it on 2,000 test sequences.

Usage::

    python benchmarks/studies/rnn_order_grammar.py [--variants default more-data ...] [--device cuda]

Writes ``benchmarks/results/rnn_order_grammar.json`` (rows of other variants
kept) and a section of ``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path

from sklearn.metrics import roc_auc_score

from sklearn_demo import RNNClassifier, make_motif_dataset

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import (  # noqa: E402
    ResultStore, benchmark_parser, command_line, machine, write_section,
)

MOTIFS = ("MA0139", "MA0099")

#: name -> (label, training sequences or None for ``--n-train``, parameters)
VARIANTS = {
    "default": ("defaults", None, {}),
    "more-data": ("defaults, 20,000 training sequences", 20000, {}),
    "lr1e-3": ("lr 1e-3, 20,000 sequences", 20000, {"lr": 1e-3}),
    "dropout0.2": ("dropout 0.2, 20,000 sequences", 20000, {"dropout": 0.2}),
    "hidden256": ("256 units, 20,000 sequences", 20000, {"hidden_size": 256}),
    "mean": ("mean over positions, 20,000 sequences", 20000, {"lstm_pool": "mean"}),
    "batch16": ("batches of 16", None, {"batch_size": 16}),
    "batch64-more-data": ("batches of 64, 20,000 sequences", 20000, {"batch_size": 64}),
    "curriculum": ("first trained on motif presence (same motifs, no grammar), then on the "
                   "grammar", None, {}),
}


def run_variant(name: str, n_train: int, n_test: int, epochs: int, seed: int,
                device: str) -> dict:
    label, n_rows, params = VARIANTS[name]
    n_train = n_rows or n_train
    data = make_motif_dataset(n_train + n_test, sequence_length=200, motifs=MOTIFS,
                              grammar="mixed", random_state=seed)
    start = time.perf_counter()
    clf = RNNClassifier(max_epochs=epochs, random_state=seed, verbose=1, device=device, **params)
    pretrain_epochs = 0
    if name == "curriculum":
        # Motif presence first: positives carry both sites (any order), negatives none.
        presence = make_motif_dataset(n_train, sequence_length=200, motifs=MOTIFS,
                                      random_state=seed + 1000)
        clf.fit(presence.X, presence.y)
        pretrain_epochs = len(clf.history)
        clf.set_params(warm_start=True)
    clf.fit(data.X[:n_train], data.y[:n_train])
    history = clf.history
    row = {"variant": name, "label": label, "seed": seed, "n_train": n_train,
           "pretrain_epochs": pretrain_epochs,
           "test_auc": float(roc_auc_score(data.y[n_train:],
                                           clf.predict_proba(data.X[n_train:])[:, 1])),
           "epochs": len(history), "train_s": round(time.perf_counter() - start, 1),
           "last_train_loss": float(history[-1, "train_loss"]),
           "valid_auc_by_epoch": [round(float(a), 3) for a in history[:, "valid_auc"]]}
    print(row, flush=True)
    return row


def markdown(rows: list[dict], command: str, epochs: int, n_test: int) -> str:
    lines = [f"## The RNN on the order grammar ({datetime.date.today().isoformat()})", "",
             f"- Command: `{command}`", f"- Machine: {machine()}",
             "- Data: `make_motif_dataset(..., sequence_length=200, motifs=('MA0139', 'MA0099'), "
             f"grammar='mixed')`, {n_test:,} test sequences; at most {epochs} epochs with early "
             "stopping; each row changes the RNN's defaults as labelled.", "",
             "| change | seed | training sequences | test AUC | epochs | last train loss | "
             "validation AUC by epoch (every 5th) |", "|---" * 7 + "|"]
    for row in rows:
        lines.append(f"| {row['label']} | {row['seed']} | {row['n_train']} | "
                     f"{row['test_auc']:.3f} | {row['epochs']} | {row['last_train_loss']:.3f} | "
                     + " ".join(str(a) for a in row["valid_auc_by_epoch"][::5]) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> list[dict]:
    parser = benchmark_parser(__doc__, device=True, epochs=60)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-train", type=int, default=6000)
    parser.add_argument("--n-test", type=int, default=2000)
    args = parser.parse_args(argv)
    rows = [run_variant(name, args.n_train, args.n_test, args.epochs, args.seed, args.device)
            for name in args.variants]
    rows = sorted(ResultStore(args.out / "rnn_order_grammar.json", key=("variant", "seed"))
                  .merge(rows), key=lambda r: (list(VARIANTS).index(r["variant"]), r["seed"]))
    if not args.no_report:
        command = command_line("studies/rnn_order_grammar.py", argv)
        write_section("rnn_order_grammar", markdown(rows, command, args.epochs, args.n_test),
                      args.results)
    return rows


if __name__ == "__main__":
    main()
