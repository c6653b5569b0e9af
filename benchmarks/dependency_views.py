"""Dependencies with a known answer: the spacing/order scan, site interactions
and the pairwise map of a CNN and a CNN-RNN trained on an order grammar.

Data: the suite's order grammar (:func:`sklearn_demo.make_motif_dataset`,
``grammar="mixed"``, 200 bp, CTCF (MA0139) then AP-1 (MA0099) 30-50 bp apart
in positives; negatives the reverse order or one site), 6,000 training and
2,000 test sequences. Each network with its defaults, training capped at
``--epochs``.

* **Scan** (:func:`sklearn_demo.motif_spacing`): the two motifs' consensus
  sequences at gaps 0-80 in both orders, written into 100 dinucleotide
  shuffles of test negatives. *Order asymmetry*: mean log-odds with the
  planted order minus the reverse order, over the planted gaps (30-50).
* **Site interactions** (:func:`sklearn_demo.site_interactions`): on test
  positives, the two planted sites and three decoy windows of 10 bases at
  free positions; how often the planted pair is the largest interaction.
* **Pairwise map** (:class:`sklearn_demo.InteractionExplainer`, DFIM and
  double ISM): on 5 test positives, the site x site blocks of the map
  (mean |entry| over each block of the planted sites and the decoys); how
  often the planted pair's block is the largest off the diagonal; seconds
  per sequence.

With ``--part real``: the CNN (5 epochs) and CNN-RNN (6 epochs) on
DeepBind's REST set (the offline mirror), scanning the two half-sites of
JASPAR's REST motif (MA0138: its first 9 and last 10 columns, 2 bases apart in
the canonical RE1 element) against each other at gaps 0-30, in 100 shuffles
of REST test negatives.

Usage::

    python benchmarks/dependency_views.py [--epochs 12] [--positives 100]
    python benchmarks/dependency_views.py --part real

Writes ``benchmarks/results/dependency_views.json``, the figure
``benchmarks/results/dependency_views.png`` and a section of
``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import os
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, InteractionExplainer, make_motif_dataset, motif_spacing,
    site_interactions,
)
from sklearn_demo.explain.grammar import motif_instances
from sklearn_demo.plotting import plot_motif_spacing

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    HERE, benchmark_parser, command_line, markdown_table, save_results, section_head,
)

NETWORKS = {"CNN": CNNClassifier, "CNN-RNN": CNNRNNClassifier}
MOTIFS = ("MA0139", "MA0099")
PLANTED_GAPS = range(30, 51)
DECOYS = 3
SITE = 10


def decoy_sites(planted: list[tuple], length: int, rng: np.random.RandomState) -> list[tuple]:
    """The planted sites (whole) and ``DECOYS`` windows of ``SITE`` bases that
    overlap neither them nor each other."""
    taken = [(int(start), int(end)) for _, start, end, _ in planted]
    sites = list(taken)
    while len(sites) < len(taken) + DECOYS:
        start = int(rng.randint(0, length - SITE))
        if all(start + SITE <= a or start >= b for a, b in sites):
            sites.append((start, start + SITE))
    return sites


def run(epochs: int, n_positives: int, n_maps: dict[str, int], seed: int = 0) -> dict:
    data = make_motif_dataset(8000, sequence_length=200, motifs=MOTIFS, grammar="mixed",
                              random_state=seed)
    train, test = slice(0, 6000), slice(6000, None)
    first, second = (motif_instances(data.motifs[m], 1)[0] for m in MOTIFS)
    negatives = [s for s, label in zip(data.X[test], data.y[test]) if not label][:50]
    positives = [i for i in np.flatnonzero(data.y[test]) + 6000 if len(data.sites[i]) == 2]
    rng = np.random.RandomState(seed)
    chosen = positives[:n_positives]
    sites = [decoy_sites(data.sites[i], 200, rng) for i in chosen]
    out = {"first": first, "second": second, "networks": {}}
    for name, cls in NETWORKS.items():
        start = time.perf_counter()
        clf = cls(max_epochs=epochs, random_state=seed, verbose=0).fit(data.X[train],
                                                                       data.y[train])
        row = {"train_s": round(time.perf_counter() - start, 1), "epochs": len(clf.history),
               "test_auc": float(roc_auc_score(data.y[test], clf.predict_proba(data.X[test])[:, 1]))}
        print(name, "trained", row, flush=True)
        start = time.perf_counter()
        scan = motif_spacing(clf, first, second, spacings=range(0, 81, 2), backgrounds=100,
                             sequences=negatives, random_state=seed)
        row["scan_s"] = round(time.perf_counter() - start, 1)
        planted = scan[scan.spacing.isin(PLANTED_GAPS)]
        forward = planted[planted.order == "first-second"]
        reverse = planted[planted.order == "second-first"]
        row["order_asymmetry"] = float(forward.logit.mean() - reverse.logit.mean())
        row["interaction_planted_order"] = float(forward.interaction.mean())
        row["scan"] = scan.to_dict(orient="list")
        start = time.perf_counter()
        interactions = site_interactions(clf, data.X[chosen], sites, n_shuffles=10,
                                         random_state=seed)
        row["interactions_s"] = round(time.perf_counter() - start, 1)
        # the results list sites in sequence order: find the planted two there
        planted = [tuple(int(k) for k in np.flatnonzero([tuple(span) in spans[:2]
                                                         for span in r.sites.tolist()]))
                   for r, spans in zip(interactions, sites)]
        row["planted_pair_first"] = float(np.mean([r.strongest_pair() == pair
                                                   for r, pair in zip(interactions, planted)]))
        row["planted_pair_interaction"] = float(np.mean([r.matrix[pair]
                                                         for r, pair in zip(interactions, planted)]))
        for method, n in n_maps.items():
            explainer = InteractionExplainer(FrozenEstimator(clf), method=method).fit(data.X[:2])
            start = time.perf_counter()
            maps = explainer.transform(data.X[chosen[:n]])
            row[f"{method}_s_per_sequence"] = round((time.perf_counter() - start) / n, 2)
            row[f"{method}_sequences"] = n
            firsts = []
            for m, spans in zip(maps, sites[:n]):
                blocks = {(a, b): np.abs(m[slice(*spans[a]), slice(*spans[b])]).mean()
                          for a, b in combinations(range(len(spans)), 2)}
                firsts.append(max(blocks, key=blocks.get) == (0, 1))
            row[f"{method}_planted_block_first"] = float(np.mean(firsts))
            print(name, method, row[f"{method}_planted_block_first"], flush=True)
        out["networks"][name] = row
        print(name, {k: v for k, v in row.items() if k != "scan"}, flush=True)
    return out


def run_real(mirror: str, data_home: str | None, seed: int = 0) -> dict:
    """The REST half-site scan of a CNN and a CNN-RNN trained on REST."""
    from sklearn_demo import fetch_deepbind_encode, fetch_jaspar_motifs

    data = fetch_deepbind_encode("REST", mirror=mirror, data_home=data_home, random_state=seed)
    rest = fetch_jaspar_motifs(["MA0138"])["MA0138"].pwm
    left, right = motif_instances(rest[:, :9], 1)[0], motif_instances(rest[:, -10:], 1)[0]
    negatives = [s for s, label in zip(data.X_test, data.y_test) if not label][:50]
    out = {"left": left, "right": right, "canonical_gap": rest.shape[1] - 19, "networks": {}}
    for name, cls, epochs in (("CNN", CNNClassifier, 5), ("CNN-RNN", CNNRNNClassifier, 6)):
        clf = cls(max_epochs=epochs, random_state=seed, verbose=0).fit(data.X_train, data.y_train)
        auc = float(roc_auc_score(data.y_test, clf.predict_proba(data.X_test)[:, 1]))
        scan = motif_spacing(clf, left, right, spacings=range(0, 31), backgrounds=100,
                             sequences=negatives, random_state=seed)
        out["networks"][name] = {"test_auc": auc, "scan": scan.to_dict(orient="list")}
        print(name, auc, flush=True)
    return out


def markdown_real(result: dict, command: str, figure: str) -> str:
    import pandas as pd

    rows = []
    for name, row in result["networks"].items():
        scan = pd.DataFrame(row["scan"])
        for order in ("first-second", "second-first"):
            part = scan[scan.order == order]
            best = part.loc[part.logit.idxmax()]
            rows.append((name, f"{row['test_auc']:.3f}", order.replace("first", "left")
                         .replace("second", "right").replace("-", " then "),
                         f"{int(best.spacing)}", f"{best.logit:+.2f}",
                         f"{part.logit.median():+.2f}", f"{best.interaction:+.2f}",
                         f"{part.neither.iloc[0]:+.2f}"))
    lines = section_head(
        "Dependencies on real data: REST's two half-sites", command,
        f"Half-sites written as consensus: left `{result['left']}` (MA0138 columns 1-9), right "
        f"`{result['right']}` (its last 10 columns), {result['canonical_gap']} base(s) apart in "
        "the canonical RE1 element; 100 dinucleotide shuffles of REST test negatives.")
    lines += markdown_table(["network", "test AUC", "order", "gap of the highest log-odds",
                             "its log-odds", "median over gaps 0-30", "its interaction",
                             "neither"], rows)
    lines += ["", f"![REST half-site scan]({figure})", ""]
    return "\n".join(lines)


def markdown(result: dict, command: str, figure: str) -> str:
    names = list(result["networks"])
    rows = [
        ("test AUC", *(f"{result['networks'][n]['test_auc']:.3f}" for n in names)),
        ("epochs (training s)", *(f"{result['networks'][n]['epochs']} "
                                  f"({result['networks'][n]['train_s']:.0f})" for n in names)),
        ("order asymmetry: planted minus reverse order, mean log-odds over gaps 30-50",
         *(f"**{result['networks'][n]['order_asymmetry']:+.2f}**" for n in names)),
        ("interaction (both - each alone + neither), planted order, gaps 30-50",
         *(f"{result['networks'][n]['interaction_planted_order']:+.2f}" for n in names)),
        ("planted pair the largest site interaction (planted sites + 3 decoys)",
         *(f"**{100 * result['networks'][n]['planted_pair_first']:.0f}%**" for n in names)),
        ("mean planted-pair interaction (log-odds)",
         *(f"{result['networks'][n]['planted_pair_interaction']:+.2f}" for n in names)),
        *((f"pairwise map, {label}: planted block the largest (of the sites' 10 blocks) / s per "
           "sequence", *(f"{result['networks'][n][f'{method}_planted_block_first']:.0%} of "
                         f"{result['networks'][n][f'{method}_sequences']} / "
                         f"{result['networks'][n][f'{method}_s_per_sequence']:.1f}"
                         for n in names))
          for method, label in (("dfim", "DFIM"), ("double_ism", "double ISM"))),
        ("scan / site interactions, s", *(f"{result['networks'][n]['scan_s']:.1f} / "
                                          f"{result['networks'][n]['interactions_s']:.1f}"
                                          for n in names)),
    ]
    lines = section_head(
        "Dependencies with a known answer: scan, site interactions, pairwise map", command,
        f"Motifs written as their consensus: CTCF `{result['first']}`, AP-1 "
        f"`{result['second']}`; positives carry CTCF then AP-1, 30-50 bp apart.")
    lines += markdown_table(["", *names], rows)
    lines += ["", f"![spacing and order scan of both networks]({figure})", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = benchmark_parser(__doc__, epochs=12, data=True)
    parser.add_argument("--part", choices=["grammar", "real"], default="grammar")
    parser.add_argument("--positives", type=int, default=100,
                        help="test positives of the site interactions (default 100)")
    parser.add_argument("--maps", type=int, default=5,
                        help="test positives of the DFIM pairwise maps (default 5)")
    parser.add_argument("--double-ism-maps", type=int, default=1,
                        help="test positives of the double-ISM maps (default 1: 179,100 "
                             "forward passes per 200-base sequence)")
    args = parser.parse_args(argv)
    import pandas as pd

    if args.part == "real":
        result = run_real(args.mirror, args.data_home)
    else:
        result = run(args.epochs, args.positives,
                     {"dfim": args.maps, "double_ism": args.double_ism_maps})
    key = "dependency_views" + ("-real" if args.part == "real" else "")
    args.out.mkdir(parents=True, exist_ok=True)
    figure = args.out / f"{key}.png"
    plot_motif_spacing({name: pd.DataFrame(row["scan"])
                        for name, row in result["networks"].items()}).savefig(figure, dpi=110)
    write = markdown_real if args.part == "real" else markdown
    save_results(args, key, result, key, lambda: write(
        result, command_line("dependency_views.py", argv), os.path.relpath(figure, HERE)))
    return result


if __name__ == "__main__":
    main()
