"""Why DeMo's RNN does not learn, one change at a time.

DeMo's RNN (a bidirectional LSTM, 32 units per direction, outputs averaged
over positions, Adam at 1e-2, batches of 256) stays at test AUC 0.50 on 9 of
the 10 DeepBind ENCODE sets. Each row below starts from that recipe and
changes what its label says; all train on the same 3,000 REST training
sequences (peaks and their dinucleotide shuffles, seed 0) for at most
``--epochs`` epochs with the package's early stopping, and are scored on
REST's 1,000 test sequences.

Usage::

    python benchmarks/studies/rnn_diagnosis.py [--dataset REST] [--n-train 3000] [--epochs 30]
    python benchmarks/studies/rnn_diagnosis.py --base batch64 --dataset SP1 --n-train 20000 --epochs 8
    python benchmarks/studies/rnn_diagnosis.py --base default --epochs 20
    python benchmarks/studies/rnn_diagnosis.py --base input --epochs 8 [--dataset MYC]
    python benchmarks/studies/rnn_diagnosis.py --base input --dataset SP1 --n-train 20000 --epochs 15 --rows 0 3
    python benchmarks/studies/rnn_diagnosis.py --base chrono --epochs 20 [--rows 0 1]
    python benchmarks/studies/rnn_diagnosis.py --base strands --epochs 10

Writes ``benchmarks/results/rnn_diagnosis.json`` and a section of
``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from sklearn_demo import RNNClassifier, fetch_deepbind_encode
from sklearn_demo.networks import DeMoRNN

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import DEFAULT_MIRROR, HERE, factor_name, machine, write_section  # noqa: E402

DEMO = {"hidden_size": 32, "lstm_pool": "mean", "lr": 0.01, "batch_size": 256,
        "lstm_input_std": None}


class ForgetBiasRNN(DeMoRNN):
    """DeMoRNN with torch-rnn's initialisation: forget-gate bias 1."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lstm = self.recurrent.lstm
        for name, bias in lstm.named_parameters():
            if name.startswith("bias_ih"):
                bias.data[lstm.hidden_size:2 * lstm.hidden_size] = 1.0


VARIANTS = [
    ("DeMo's recipe (32 units, mean, lr 1e-2, batch 256)", {}),
    ("lr 1e-3", {"lr": 1e-3}),
    ("lr 1e-3, forget-gate bias 1 (torch-rnn)", {"lr": 1e-3, "module": ForgetBiasRNN}),
    ("max over positions", {"lstm_pool": "max"}),
    ("max, lr 3e-3, batch 32", {"lstm_pool": "max", "lr": 3e-3, "batch_size": 32}),
    ("max, 64 units, lr 3e-3, batch 64",
     {"lstm_pool": "max", "hidden_size": 64, "lr": 3e-3, "batch_size": 64}),
    ("mean, 128 units, lr 3e-3, batch 64",
     {"hidden_size": 128, "lr": 3e-3, "batch_size": 64}),
    ("max, 128 units, lr 3e-3, batch 64",
     {"lstm_pool": "max", "hidden_size": 128, "lr": 3e-3, "batch_size": 64}),
    ("max, 128 units, lr 3e-3, batch 32 (the default)",
     {"lstm_pool": "max", "hidden_size": 128, "lr": 3e-3, "batch_size": 32}),
]

#: ``--base batch64``: one change at a time from the recipe with batches of
#: 64, where it stayed on the plateau (SP1, 20,000 sequences).
BATCH64 = {"lstm_pool": "max", "hidden_size": 128, "lr": 3e-3, "batch_size": 64,
           "lstm_input_std": None}
BATCH64_VARIANTS = [
    ("max, 128 units, lr 3e-3, batch 64", {}),
    ("dropout 0", {"dropout": 0.0}),
    ("batch 32 (the default)", {"batch_size": 32}),
    ("lr 1e-2", {"lr": 1e-2}),
    ("no gradient clipping", {"clip_norm": None}),
]

#: ``--base default``: the package's default RNN, and chrono-initialised LSTM
#: gates (``lstm_timescale``) that let it read motifs tens of bases apart
#: (benchmarks/motif_dependencies.py): what do they cost on a one-motif set?
DEFAULT_VARIANTS = [
    ("the defaults (torch's initialisation)", {}),
    ("lstm_timescale=100 (read 30-50 bp motif spacing on the order grammar)",
     {"lstm_timescale": 100}),
    ("lstm_timescale=20", {"lstm_timescale": 20}),
    ("lstm_timescale=5", {"lstm_timescale": 5}),
]

#: ``--base input``: the package's default RNN but for the scale of the LSTM's
#: input weights at initialisation (``lstm_input_std``; None: torch's,
#: +-1/sqrt(128), standard deviation 0.05), the default until 2026-11-28.
INPUT_VARIANTS = [
    ("torch's input weights (lstm_input_std=None)", {"lstm_input_std": None}),
    ("lstm_input_std=0.25", {"lstm_input_std": 0.25}),
    ("lstm_input_std=0.5", {"lstm_input_std": 0.5}),
    ("lstm_input_std=1 (the default)", {}),
    ("lstm_input_std=2", {"lstm_input_std": 2.0}),
]

#: ``--base chrono``: chrono-initialised gates again, from today's default input
#: weights (standard deviation 1) instead of torch's (``--base default``).
CHRONO_VARIANTS = [("the defaults", {})] + DEFAULT_VARIANTS[1:]

#: ``--base strands``: the package's defaults, whose one LSTM reads each strand 5' to
#: 3', against DeMo's bidirectional LSTM (two directions over one strand), every
#: epoch run, for the cost per epoch beside the accuracy.
STRANDS_VARIANTS = [
    ("one LSTM on both strands (the default)", {}),
    ("DeMo's bidirectional LSTM (lstm_strands='forward')", {"lstm_strands": "forward"}),
]

#: --base: (the recipe each row changes, its variants, RESULTS title, early stopping)
BASES = {
    "demo": (DEMO, VARIANTS, "Why DeMo's RNN does not learn", {}),
    "batch64": (BATCH64, BATCH64_VARIANTS, "The RNN's plateau on SP1: batches of 32",
                {"patience": None}),
    "default": ({"lstm_input_std": None}, DEFAULT_VARIANTS,
                "The default RNN with chrono-initialised gates", {}),
    "input": ({}, INPUT_VARIANTS, "The RNN's input weights at initialisation", {}),
    "chrono": ({}, CHRONO_VARIANTS,
               "Chrono-initialised gates with the default input weights", {}),
    "strands": ({}, STRANDS_VARIANTS, "The RNN's LSTM on both strands", {"patience": None}),
}


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="REST")
    parser.add_argument("--n-train", type=int, default=3000)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--base", choices=list(BASES), default="demo",
                        help="the recipe each row changes: DeMo's, the max-pooled 128-unit "
                             "one with batches of 64 (then all epochs run, no early stopping), "
                             "the package's defaults with torch's input weights (rows: "
                             "chrono-initialised gates), the package's defaults (rows: the "
                             "input weights' scale), the package's defaults (rows: "
                             "chrono-initialised gates) or the package's defaults (rows: "
                             "one LSTM on both strands or two directions over one)")
    parser.add_argument("--rows", type=int, nargs="+", metavar="I",
                        help="train only these rows of the base's table (0 is the first)")
    parser.add_argument("--mirror", default=os.environ.get("SKLEARN_DEMO_MIRROR", DEFAULT_MIRROR))
    parser.add_argument("--no-report", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv)
    data = fetch_deepbind_encode(args.dataset, mirror=args.mirror)
    keep = np.random.RandomState(0).choice(len(data.X_train), args.n_train, replace=False)
    base, variants, title, stopping = BASES[args.base]
    if args.rows:
        unknown = sorted(set(args.rows) - set(range(len(variants))))
        if unknown:
            parser.error(f"--rows {unknown}: --base {args.base} has rows 0-{len(variants) - 1}")
        variants = [variants[i] for i in args.rows]
    rows = []
    for label, change in variants:
        clf = RNNClassifier(**{**base, **change, **stopping, "max_epochs": args.epochs,
                               "random_state": 0, "verbose": 0})
        start = time.perf_counter()
        clf.fit(data.X_train[keep], data.y_train[keep])
        auc = roc_auc_score(data.y_test, clf.predict_proba(data.X_test)[:, 1])
        rows.append({"variant": label, "test_auc": float(auc), "epochs": len(clf.history),
                     "valid_auc_by_epoch": [round(float(v), 3)
                                            for v in clf.history[:, "valid_auc"]],
                     "train_loss_last": float(clf.history[-1, "train_loss"]),
                     "train_s": round(time.perf_counter() - start, 1)})
        print(rows[-1], flush=True)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"rnn_diagnosis-{args.base}-{factor_name(data.name)}.json").write_text(
        json.dumps(rows, indent=1))
    if not args.no_report:
        command = "python benchmarks/studies/rnn_diagnosis.py " + " ".join(
            argv if argv is not None else sys.argv[1:])
        lines = [f"## {title} ({datetime.date.today().isoformat()})", "",
                 f"- Command: `{command.strip()}`", f"- Machine: {machine()}",
                 f"- Data: {args.n_train} {data.name} training sequences, its 1,000 test "
                 f"sequences; at most {args.epochs} epochs, "
                 f"{'all of them, scored on' if stopping else 'early stopping on'} "
                 "a 10% validation split; each row changes "
                 f"{'DeMo' + chr(39) + 's recipe' if args.base == 'demo' else 'the first row'}"
                 " as labelled.", "",
                 "| change | test AUC | epochs | seconds per epoch | last train loss "
                 "| validation AUC by epoch |",
                 "|---|---|---|---|---|---|"]
        lines += [f"| {r['variant']} | {r['test_auc']:.3f} | {r['epochs']} | "
                  f"{r['train_s'] / r['epochs']:.1f} | {r['train_loss_last']:.3f} | "
                  f"{' '.join(map(str, r['valid_auc_by_epoch']))} |" for r in rows]
        write_section("rnn_diagnosis" if args.base == "demo" else
                      f"rnn_diagnosis-{args.base}-{args.dataset}", "\n".join(lines) + "\n")
    return rows


if __name__ == "__main__":
    main()
