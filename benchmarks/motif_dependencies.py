"""DeMo's finding, measured: the CNN-RNN models dependencies between motifs.

Data: :func:`sklearn_demo.make_motif_dataset` with an order grammar, 200 bp,
JASPAR CTCF (MA0139) and AP-1 (FOS::JUN, MA0099) sites 30-50 bp apart (beyond
the CNN's 25 bp receptive field), at least 10 bp from either end. Positives
read CTCF then AP-1; negatives AP-1 then CTCF ("pure"), or, in the "mixed"
form, half of the negatives carry only one of the two sites.

For each form and seed: the three networks with their defaults (training
capped at ``--epochs``), and the reference "motif presence alone": a logistic
regression on the best log-odds scan score of each true matrix (both
strands), which reads presence but not order. For every network, the jump of
its forward temporal score at the second motif of the test positives with the
first motif read before it, and with the first motif erased
(:func:`sklearn_demo.order_effect`).

Usage::

    python benchmarks/motif_dependencies.py [--seeds 0 1 2] [--forms mixed pure]

Writes ``benchmarks/results/motif_dependencies.json`` (rows of earlier runs
with other forms or seeds are kept), the figure
``benchmarks/results/motif_dependencies.png`` (the first form and seed of this
run) and a section of ``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import datetime
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, RNNClassifier, TemporalScorer, make_motif_dataset,
    one_hot_encode, order_effect,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    HERE, ResultStore, benchmark_parser, command_line, machine, write_section,
)

#: name -> (estimator class, parameters other than its defaults). The
#: "-torchinit" RNNs draw the LSTM's input weights as torch does
#: (``lstm_input_std=None``), the RNN's default until 2026-11-28: the RNN
#: columns measured before then were relabelled so.
NETWORKS = {"CNN": (CNNClassifier, {}), "RNN": (RNNClassifier, {}),
            "RNN-chrono": (RNNClassifier, {"lstm_timescale": 100}),
            "RNN-torchinit": (RNNClassifier, {"lstm_input_std": None}),
            "RNN-chrono-torchinit": (RNNClassifier, {"lstm_timescale": 100,
                                                     "lstm_input_std": None}),
            "CNN-RNN": (CNNRNNClassifier, {})}
MOTIFS = ("MA0139", "MA0099")


def presence_scores(X: np.ndarray, motifs: dict) -> np.ndarray:
    """(n, n_motifs): best log-odds scan score of each true matrix, both strands."""
    x = torch.as_tensor(one_hot_encode(X))
    columns = []
    for pwm in motifs.values():
        log_odds = torch.as_tensor(np.log(pwm / 0.25), dtype=torch.float32)
        kernels = torch.stack([log_odds, log_odds.flip(0, 1)])
        columns.append(torch.nn.functional.conv1d(x, kernels).amax(dim=(1, 2)).numpy())
    return np.column_stack(columns)


def run_one(form: str, seed: int, n_train: int, n_test: int, epochs: int,
            networks: list[str], device: str = "cpu") -> tuple[dict, dict]:
    data = make_motif_dataset(n_train + n_test, sequence_length=200, motifs=MOTIFS,
                              grammar=form, random_state=seed)
    train, test = slice(0, n_train), slice(n_train, None)
    features = presence_scores(data.X, data.motifs)
    presence = LogisticRegression().fit(features[train], data.y[train])
    row = {"form": form, "seed": seed,
           "presence_auc": float(roc_auc_score(
               data.y[test], presence.predict_proba(features[test])[:, 1]))}
    positives = [i for i in np.flatnonzero(data.y[test]) + n_train
                 if len(data.sites[i]) == 2][:200]
    effects = {}
    for name in networks:
        cls, params = NETWORKS[name]
        start = time.perf_counter()
        clf = cls(max_epochs=epochs, random_state=seed, verbose=0, device=device,
                  **params).fit(data.X[train], data.y[train])
        row[f"{name} auc"] = float(roc_auc_score(data.y[test],
                                                 clf.predict_proba(data.X[test])[:, 1]))
        row[f"{name} epochs"] = len(clf.history)
        row[f"{name} train_s"] = round(time.perf_counter() - start, 1)
        scorer = TemporalScorer(FrozenEstimator(clf)).fit(data.X[:2])
        # margin=0: the jump from the base before the site to its last base.
        effect = order_effect(scorer, data.X[positives], [data.sites[i] for i in positives],
                              margin=0, random_state=seed)
        row[f"{name} jump with first"] = float(effect.forward_jump.mean())
        row[f"{name} jump without first"] = float(effect.forward_jump_alone.mean())
        row[f"{name} backward jump with second"] = float(effect.backward_jump.mean())
        row[f"{name} backward jump without second"] = float(effect.backward_jump_alone.mean())
        effects[name] = effect
        print(form, seed, name, {k: v for k, v in row.items() if k.startswith(name)}, flush=True)
    return row, effects


def markdown(rows: list[dict], command: str, figure: str) -> str:
    lines = [
        f"## Motif dependencies: order grammar ({datetime.date.today().isoformat()})",
        "",
        f"- Command: `{command}`",
        f"- Machine: {machine()}",
        "- Data: 200 bp, CTCF (MA0139) then AP-1 (MA0099) in positives, 30-50 bp apart, "
        "the reverse order (or, mixed form, half of the negatives a single site) in negatives; "
        "networks with their defaults but RNN-chrono, `RNNClassifier(lstm_timescale=100)` "
        "(chrono-initialised gates), and the -torchinit RNNs, `lstm_input_std=None` (the "
        "LSTM's input weights drawn as torch does, the default until 2026-11-28). "
        "'presence' is a logistic regression on the best scan "
        "score of each true matrix: what motif presence alone achieves.",
        "",
        "Test AUC:",
        "",
        "| form | seed | presence alone | " + " | ".join(NETWORKS) + " |",
        "|---|---|---|" + "---|" * len(NETWORKS),
    ]

    def cell(row: dict, key: str, fmt: str) -> str:
        return format(row[key], fmt) if key in row else "not run"

    for row in rows:
        lines.append(f"| {row['form']} | {row['seed']} | {row['presence_auc']:.3f} | "
                     + " | ".join(cell(row, f"{n} auc", ".3f") for n in NETWORKS) + " |")
    for form in dict.fromkeys(r["form"] for r in rows):
        mine = [r for r in rows if r["form"] == form]
        means = [f"**{np.mean([r[f'{n} auc'] for r in mine]):.3f}**"
                 if all(f"{n} auc" in r for r in mine) else "" for n in NETWORKS]
        lines.append(f"| {form} | **mean** | {np.mean([r['presence_auc'] for r in mine]):.3f} | "
                     + " | ".join(means) + " |")
    lines += ["", "Mean jump of the forward temporal score across the second motif (200 test "
              "positives; from the base before the site to its last base), with the first motif "
              "read before it / with it erased:", "",
              "| form | seed | " + " | ".join(NETWORKS) + " |", "|---|---|" + "---|" * len(NETWORKS)]
    for row in rows:
        lines.append(f"| {row['form']} | {row['seed']} | " + " | ".join(
            f"{cell(row, f'{n} jump with first', '+.3f')} / "
            f"{cell(row, f'{n} jump without first', '+.3f')}" for n in NETWORKS) + " |")
    lines += ["", f"![forward scores around the second motif]({figure})", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = benchmark_parser(__doc__, device=True, epochs=30)
    parser.add_argument("--forms", nargs="+", default=["mixed", "pure"],
                        choices=["mixed", "pure"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--n-train", type=int, default=6000)
    parser.add_argument("--n-test", type=int, default=2000)
    parser.add_argument("--models", nargs="+", default=list(NETWORKS), choices=list(NETWORKS),
                        help="networks to (re)run; the others keep their stored results")
    args = parser.parse_args(argv)
    from sklearn_demo.plotting import plot_order_effect

    rows, first_effects = [], None
    for form in args.forms:
        for seed in args.seeds:
            row, effects = run_one(form, seed, args.n_train, args.n_test, args.epochs,
                                   args.models, args.device)
            rows.append(row)
            first_effects = first_effects or effects
    # Rows of earlier runs (other forms or seeds) stay; a rerun of some
    # networks updates their columns only.
    rows = sorted(ResultStore(args.out / "motif_dependencies.json", key=("form", "seed"))
                  .merge(rows), key=lambda r: (r["form"] != "mixed", r["seed"]))
    figure = args.out / "motif_dependencies.png"
    if set(args.models) == set(NETWORKS):  # the figure shows every network
        plot_order_effect(first_effects).savefig(figure, dpi=110)
    if not args.no_report:
        write_section("motif_dependencies",
                      markdown(rows, command_line("motif_dependencies.py", argv),
                               os.path.relpath(figure, HERE)), args.results)
    return rows


if __name__ == "__main__":
    main()
