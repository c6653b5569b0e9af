"""How many epochs the test suite's slowest models need, epoch by epoch.

The integration tests train each network with its defaults on 3,000 REST
sequences, and the order-grammar test trains the CNN-RNN on 6,000 200-bp
sequences; to keep the suite short they cap ``max_epochs``. This script trains
the same models one epoch at a time and, after each epoch, scores what the tests
check: test AUC (REST; the grammar's held-out 2,000) and, on the grammar, the
forward temporal score's jump at the second motif and the order effect
(``order_effect``). A cap is safe when the epoch two before it still clears the
test's bounds. With early stopping, a cap of N restores the epoch of least
validation loss among the first N: the last column.

Usage::

    python benchmarks/studies/epoch_caps.py [--parts rest grammar]

Writes ``benchmarks/results/epoch_caps.json`` and a section of
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
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score
from skorch.callbacks import Callback

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, RNNClassifier, TemporalScorer, fetch_deepbind_encode,
    make_motif_dataset, order_effect,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import DEFAULT_MIRROR, HERE, machine, write_section  # noqa: E402


class EpochProbe(Callback):
    """Calls ``score(net)`` after every epoch; keeps the validation loss beside it."""

    def __init__(self, score):
        self.score = score
        self.rows = []

    def on_epoch_end(self, net, **kwargs):
        self.rows.append({"epoch": len(net.history),
                          "valid_loss": float(net.history[-1]["valid_loss"]),
                          **self.score(net)})


def _probe_fit(cls: type, epochs: int, X, y, score) -> tuple[list[dict], float]:
    probe = EpochProbe(score)
    start = time.perf_counter()
    cls(max_epochs=epochs, verbose=0, random_state=0,
        callbacks=[("epoch_probe", probe)]).fit(X, y)
    return probe.rows, time.perf_counter() - start


#: Each part's label in the rows, which a partial run matches to keep the others.
PART_LABELS = {"rest": "REST, 3,000 training sequences",
               "grammar": "mixed order grammar, 6,000 training sequences"}


def rest_rows(mirror: Path, data_home: str | None) -> list[dict]:
    """The integration tests' three networks on 3,000 REST training sequences."""
    rest = fetch_deepbind_encode("REST", mirror=mirror, data_home=data_home, random_state=0)
    keep = np.random.RandomState(0).choice(len(rest.X_train), 3000, replace=False)
    out = []
    for cls in (CNNClassifier, RNNClassifier, CNNRNNClassifier):
        rows, seconds = _probe_fit(
            cls, 12, rest.X_train[keep], rest.y_train[keep],
            lambda net: {"test_auc": roc_auc_score(rest.y_test,
                                                   net.predict_proba(rest.X_test)[:, 1])})
        print(f"REST {cls.__name__}: {seconds:.0f} s with the probes", flush=True)
        out.append({"part": PART_LABELS["rest"], "model": cls.__name__,
                    "rows": rows})
    return out


def grammar_rows() -> list[dict]:
    """The order-grammar test's CNN-RNN (tests/test_order_grammar.py)."""
    grammar = make_motif_dataset(8000, sequence_length=200, motifs=("MA0139", "MA0099"),
                                 grammar="mixed", random_state=0)
    both = [i for i in np.flatnonzero(grammar.y[6000:]) + 6000
            if len(grammar.sites[i]) == 2][:200]

    def score(net) -> dict:
        scorer = TemporalScorer(FrozenEstimator(net)).fit(grammar.X[:2])
        effect = order_effect(scorer, grammar.X[both], [grammar.sites[i] for i in both],
                              margin=0)
        return {"test_auc": roc_auc_score(grammar.y[6000:],
                                          net.predict_proba(grammar.X[6000:])[:, 1]),
                "forward_jump": float(effect.forward_jump.mean()),
                "forward_difference": float(effect.forward_difference)}

    rows, seconds = _probe_fit(CNNRNNClassifier, 12, grammar.X[:6000], grammar.y[:6000], score)
    print(f"grammar CNNRNNClassifier: {seconds:.0f} s with the probes", flush=True)
    return [{"part": PART_LABELS["grammar"],
             "model": "CNNRNNClassifier", "rows": rows}]


def markdown(runs: list[dict], command: str) -> str:
    lines = ["## Epochs the test suite trains", "",
             f"Machine: {machine()}. Date: {datetime.date.today()}. Command: `{command}`.",
             "",
             "Each network with its defaults and seed 0, scored after every epoch. The "
             "tests cap `max_epochs` where the epoch two before the cap still clears their "
             "bounds (REST: test AUC > 0.9; grammar: test AUC > 0.9, forward jump > 0.5, "
             "order effect > 0.3). *Restored* is the epoch early stopping keeps at that "
             "cap (least validation loss so far) and its test AUC.", "",
             "| data | model | epoch | validation loss | test AUC | forward jump "
             "| order effect | restored at this cap |",
             "|---|---|---|---|---|---|---|---|"]
    for run in runs:
        for n, row in enumerate(run["rows"], start=1):
            best = min(run["rows"][:n], key=lambda r: r["valid_loss"])
            extra = [f"{row[k]:+.2f}" if k in row else "" for k in
                     ("forward_jump", "forward_difference")]
            lines.append(f"| {run['part']} | {run['model']} | {row['epoch']} | "
                         f"{row['valid_loss']:.3f} | {row['test_auc']:.3f} | "
                         f"{' | '.join(extra)} | {best['epoch']} ({best['test_auc']:.3f}) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", nargs="+", choices=("rest", "grammar"),
                        default=["rest", "grammar"])
    parser.add_argument("--mirror", type=Path,
                        default=Path(os.environ.get("SKLEARN_DEMO_MIRROR", DEFAULT_MIRROR)))
    parser.add_argument("--data-home", default=None)
    args = parser.parse_args(argv)
    out = HERE / "results" / "epoch_caps.json"
    earlier = json.loads(out.read_text()) if out.exists() else []
    makers = {"rest": lambda: rest_rows(args.mirror, args.data_home), "grammar": grammar_rows}
    runs = []
    for part, make in makers.items():  # a part not run keeps its earlier rows
        runs += make() if part in args.parts else [
            run for run in earlier if run["part"] == PART_LABELS[part]]
    out.write_text(json.dumps(runs, indent=1))
    command = ("python benchmarks/studies/epoch_caps.py " + " ".join(
        argv if argv is not None else sys.argv[1:])).strip()
    kept = [part for part in makers if part not in args.parts]
    if kept:
        command += f" (the {' and '.join(kept)} rows kept from an earlier run)"
    write_section("epoch-caps", markdown(runs, command))
    return runs


if __name__ == "__main__":
    main()
