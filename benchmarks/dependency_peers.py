"""Dependency views beside tangermeme: the same model, the same sequences,
the same numbers, in one run.

A CNN and a CNN-RNN, each trained briefly (``--epochs``) on the order
grammar (:func:`sklearn_demo.make_motif_dataset`, ``grammar="mixed"``,
200 bp), are explained twice:

* **Spacing scan**: :func:`sklearn_demo.motif_spacing` (CTCF and AP-1
  consensus, both orders, gaps 0, 2, ..., 80, ``--backgrounds`` dinucleotide
  shuffles of test negatives) against tangermeme's ``space`` doing the same
  evaluations: for each order the pair, the first motif alone and the second
  alone (the other written as ``N``, which ``space`` leaves as it was), and the
  backgrounds. Every span is even, where tangermeme's centring
  (``L // 2 - span // 2``) and ours (``(L - span) // 2``) place the pair alike,
  so the means must agree to float32 precision.
* **Pairwise map**: :class:`sklearn_demo.InteractionExplainer` (DFIM: the
  signed mean change of position j's gradient x input over the three
  substitutions at i) against tangermeme's ``dependency_map`` with
  ``saliency`` (the mean *absolute* change; the same 3L + 1 attributions per
  sequence) on ``--maps`` test positives. The two differ by where the absolute
  value sits, so |ours| <= theirs holds everywhere (triangle inequality) and
  equality where the three substitutions move j's attribution the same way.

tangermeme's ``pisa`` attributes each output of a profile model to the input;
a binary classifier has one output, where PISA is DeepLIFT/SHAP: not a
pairwise map, so not timed here. Both libraries run with 256 sequences per
batch, on the CPU, in one process; each time is the best of two runs taken in
turn (ours, theirs, ours, theirs).

Usage::

    pip install -e .[bench]   # tangermeme
    python benchmarks/dependency_peers.py [--epochs 2] [--backgrounds 50] [--maps 3]

Writes ``benchmarks/results/dependency_peers.json`` and a section of
``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.frozen import FrozenEstimator

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, InteractionExplainer, make_motif_dataset, motif_spacing,
)
from sklearn_demo.encoding import one_hot_encode
from sklearn_demo.explain.grammar import motif_instances
from sklearn_demo.shuffle import dinucleotide_shuffle

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    benchmark_parser, command_line, markdown_table, peer_model, save_results, section_head,
)

NETWORKS = {"CNN": CNNClassifier, "CNN-RNN": CNNRNNClassifier}
GAPS = range(0, 81, 2)
BATCH = 256


def timed_pair(ours, theirs, repeats: int = 2) -> tuple:
    """Both functions' results and their best times of ``repeats`` runs,
    taken in turn (ours, theirs, ours, ...), so that warm-up and a busy
    moment fall on neither alone."""
    best = [float("inf"), float("inf")]
    results = [None, None]
    for _ in range(repeats):
        for k, function in enumerate((ours, theirs)):
            start = time.perf_counter()
            results[k] = function()
            best[k] = min(best[k], time.perf_counter() - start)
    return results[0], best[0], results[1], best[1]


def peer_scan(model: torch.nn.Module, backgrounds: np.ndarray, first: str, second: str) -> dict:
    """The columns of :func:`motif_spacing` from tangermeme's ``space``."""
    from tangermeme.space import space

    spacing = torch.tensor([[gap] for gap in GAPS])
    X = torch.as_tensor(backgrounds)
    out = {}
    for order, (up, down) in (("first-second", (first, second)),
                              ("second-first", (second, first))):
        for column, motifs in (("logit", (up, down)), ("up_alone", (up, "N" * len(down))),
                               ("down_alone", ("N" * len(up), down))):
            result = space(model, X, list(motifs), spacing, batch_size=BATCH, device="cpu")
            out[order, column] = result.y_afters[:, :, 0].mean(dim=0).numpy()
        out["neither"] = float(result.y_before.mean())
    return out


def run(epochs: int, n_backgrounds: int, n_maps: int, seed: int = 0) -> dict:
    from tangermeme.dependency_map import dependency_map

    torch.manual_seed(seed)
    data = make_motif_dataset(3000, sequence_length=200, motifs=("MA0139", "MA0099"),
                              grammar="mixed", random_state=seed)
    first, second = (motif_instances(data.motifs[m], 1)[0] for m in ("MA0139", "MA0099"))
    negatives = list(data.X[2000:][data.y[2000:] == 0][:n_backgrounds])
    backgrounds = [str(s) for s in dinucleotide_shuffle(negatives, random_state=seed)]
    positives = list(data.X[2000:][data.y[2000:] == 1][:n_maps])
    out = {"first": first, "second": second, "backgrounds": n_backgrounds, "maps": n_maps,
           "threads": torch.get_num_threads(), "networks": {}}
    for name, cls in NETWORKS.items():
        clf = cls(max_epochs=epochs, random_state=seed, verbose=0).fit(data.X[:2000],
                                                                         data.y[:2000])
        explainer = InteractionExplainer(FrozenEstimator(clf), batch_size=BATCH).fit(data.X[:1])
        model = peer_model(clf)
        ours, ours_s, theirs, theirs_s = timed_pair(
            lambda: motif_spacing(clf, first, second, spacings=GAPS, backgrounds=backgrounds,
                                  batch_size=BATCH),
            lambda: peer_scan(model, one_hot_encode(backgrounds), first, second))
        gaps = []
        for order in ("first-second", "second-first"):
            rows = ours[ours.order == order]
            up, down = ("first", "second") if order == "first-second" else ("second", "first")
            for column, mine in (("logit", rows.logit), ("up_alone", rows[f"{up}_alone"]),
                                 ("down_alone", rows[f"{down}_alone"])):
                gaps.append(np.abs(np.asarray(mine) - theirs[order, column]).max())
        gaps.append(np.abs(ours.neither - theirs["neither"]).max())
        dfim, dfim_s, dmap, dmap_s = timed_pair(
            lambda: explainer.transform(positives),
            lambda: dependency_map(model, torch.as_tensor(one_hot_encode(positives)),
                                   batch_size=BATCH, device="cpu").numpy())
        theirs_ij = dmap.transpose(0, 2, 1)  # theirs[j, i] -> [i, j], as ours
        off = ~np.eye(dfim.shape[1], dtype=bool)
        excess = float((np.abs(dfim) - theirs_ij)[:, off].max())
        same_sign = np.isclose(np.abs(dfim), theirs_ij, atol=1e-4)[:, off].mean()
        correlation = float(np.corrcoef(np.abs(dfim)[:, off].ravel(),
                                        theirs_ij[:, off].ravel())[0, 1])
        out["networks"][name] = {
            "scan_s": ours_s, "peer_scan_s": theirs_s, "scan_max_abs_diff": float(max(gaps)),
            "dfim_s": dfim_s, "peer_map_s": dmap_s, "map_excess": excess,
            "map_equal_share": float(same_sign), "map_correlation": correlation,
            "evaluations": int(len(ours) * 3 * n_backgrounds + n_backgrounds)}
        print(name, out["networks"][name], flush=True)
    return out


def markdown(result: dict, command: str) -> str:
    names = list(result["networks"])
    net = result["networks"]
    rows = [
        ("spacing scan: ours / tangermeme `space`, s", *(
            f"{net[n]['scan_s']:.1f} / {net[n]['peer_scan_s']:.1f} "
            f"(**{net[n]['peer_scan_s'] / net[n]['scan_s']:.1f}x**)" for n in names)),
        ("scan: largest difference of the means (log-odds)",
         *(f"{net[n]['scan_max_abs_diff']:.1e}" for n in names)),
        ("pairwise map: ours (DFIM) / tangermeme `dependency_map`, s per sequence", *(
            f"{net[n]['dfim_s'] / result['maps']:.2f} / {net[n]['peer_map_s'] / result['maps']:.2f}"
            f" (**{net[n]['peer_map_s'] / net[n]['dfim_s']:.1f}x**)" for n in names)),
        ("map: largest excess of abs(ours) over theirs (above float32 noise would be wrong)",
         *(f"{net[n]['map_excess']:.1e}" for n in names)),
        ("map: entries equal (atol 1e-4) / correlation of abs(ours) with theirs",
         *(f"{net[n]['map_equal_share']:.0%} / {net[n]['map_correlation']:.3f}"
           for n in names)),
    ]
    lines = section_head(
        "Dependency views beside tangermeme (speed, same numbers)", command,
        f"Same model and sequences: {result['backgrounds']} backgrounds of 200 bases, gaps "
        f"0-80 (step 2), both orders; pairwise maps of {result['maps']} test positives; "
        f"256 per batch, CPU, {result['threads']} torch threads. Ratios: tangermeme's time "
        "over ours.")
    lines += markdown_table(["", *names], rows)
    return "\n".join(lines + [""])


def main(argv: list[str] | None = None) -> dict:
    parser = benchmark_parser(__doc__, epochs=2)
    parser.add_argument("--backgrounds", type=int, default=50,
                        help="dinucleotide-shuffled backgrounds of the scan (default 50)")
    parser.add_argument("--maps", type=int, default=3,
                        help="test positives of the pairwise maps (default 3)")
    args = parser.parse_args(argv)
    result = run(args.epochs, args.backgrounds, args.maps)
    save_results(args, "dependency_peers", result, "dependency-peers",
                 lambda: markdown(result, command_line("dependency_peers.py", argv)))
    return result


if __name__ == "__main__":
    main()
