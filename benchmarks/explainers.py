"""Explainers checked against ground truth, on real data, and for speed.

1. Planted motifs (``make_motif_dataset``, CTCF + GABPA): per-position AUROC of
   each saliency method for "inside a planted site", the forward temporal
   score's rise inside sites, and the best JASPAR matches of class
   optimisation, for a CNN and a CNN-RNN.
2. Real data (DeepBind ENCODE mirror): a CNN with DeMo's defaults per dataset;
   the rank of the factor's own JASPAR motif among the TOMTOM matches of
   class optimisation and of the first-layer filters.
3. Throughput on CPU (sequences/s) of each explainer beside captum's
   ``Saliency`` and ``GradientShap`` and shap's own ``GradientExplainer`` on
   the same model, in the same run.

Usage::

    python benchmarks/explainers.py [--datasets REST CTCFL GABPA] [--quick]

Appends a dated section to ``benchmarks/RESULTS.md`` and writes the numbers to
``benchmarks/results/explainers-<parts>.json``.
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
import torch
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sklearn_demo import (
    ClassOptimizer, CNNClassifier, CNNRNNClassifier, SaliencyExplainer, TemporalScorer,
    fetch_deepbind_encode, first_layer_pwms, make_motif_dataset, match_motifs,
)
from sklearn_demo.encoding import one_hot_encode
from sklearn_demo.explain.ground_truth import position_importance, site_auroc, temporal_rise

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_MIRROR, HERE, machine, write_section  # noqa: E402

METHODS = ("saliency", "gradient_x_input", "ism", "deepshap")


def rank_of(factor: str, matches) -> int | None:
    """1-based rank of the first match named ``factor`` (case-insensitive)."""
    for rank, match in enumerate(matches, start=1):
        if match.name.upper() == factor.upper():
            return rank
    return None


def planted(args) -> dict:
    data = make_motif_dataset(3000, random_state=0)
    positives = np.flatnonzero(data.y[2500:])[:100] + 2500
    planted_names = set(data.motif_names.values())
    out = {}
    for cls in (CNNClassifier, CNNRNNClassifier):
        clf = cls(max_epochs=15, random_state=0, verbose=0).fit(data.X[:2500], data.y[:2500])
        row = {"test_auc": roc_auc_score(data.y[2500:], clf.predict_proba(data.X[2500:])[:, 1])}
        for method in METHODS:
            explainer = SaliencyExplainer(FrozenEstimator(clf), method=method,
                                          n_samples=50 if args.quick else 200).fit(data.X)
            attributions = explainer.transform(data.X[positives])
            row[f"auroc_{method}"] = site_auroc(position_importance(attributions, method),
                                                data.mask[positives])
        scores = TemporalScorer(FrozenEstimator(clf)).fit(data.X).transform(data.X[positives])
        row["temporal_rise_inside"], row["temporal_rise_outside"] = temporal_rise(
            scores, data.mask[positives])
        optimizer = ClassOptimizer(FrozenEstimator(clf),
                                   n_iter=200 if args.quick else 1000).fit(data.X)
        best = [m[0].name for m in optimizer.match(n_matches=1)]
        row["class_opt_best_matches"] = best
        row["class_opt_restarts_matching_planted"] = sum(b in planted_names for b in best)
        out[cls.__name__] = row
        print(cls.__name__, row, flush=True)
    return out


def real(args) -> dict:
    out = {}
    for name in args.datasets:
        data = fetch_deepbind_encode(name, mirror=args.mirror, data_home=args.data_home)
        factor = data.name.split("_")[0]
        clf = CNNClassifier(random_state=0, verbose=0,
                            max_epochs=3 if args.quick else 50).fit(data.X_train, data.y_train)
        optimizer = ClassOptimizer(FrozenEstimator(clf),
                                   n_iter=200 if args.quick else 1000).fit(data.X_train)
        opt_matches = optimizer.match(n_matches=10)
        filter_pwms, n_sites = first_layer_pwms(clf, data.X_train[data.y_train == 1][:4000])
        active = np.flatnonzero(n_sites > 0)
        filter_matches = match_motifs(list(filter_pwms[active]), n_matches=10)
        opt_ranks = [rank_of(factor, m) for m in opt_matches]
        filter_ranks = [rank_of(factor, m) for m in filter_matches]
        row = {
            "factor": factor,
            "test_auc": roc_auc_score(data.y_test, clf.predict_proba(data.X_test)[:, 1]),
            "class_opt_best_rank": min((r for r in opt_ranks if r), default=None),
            "class_opt_restarts_with_factor_top10": sum(r is not None for r in opt_ranks),
            "class_opt_top_match_best_restart": opt_matches[0][0].name,
            "filters_with_factor_top1": sum(r == 1 for r in filter_ranks),
            "filters_with_factor_top10": sum(r is not None for r in filter_ranks),
            "filters_active": int(len(active)),
        }
        out[data.name] = row
        print(data.name, row, flush=True)
    return out


def _rate(fn, n: int, repeat: int = 2) -> float:
    fn()  # warm-up
    best = min(_timed(fn) for _ in range(repeat))
    return n / best


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def throughput(args) -> list[dict]:
    import shap
    from captum.attr import GradientShap, Saliency

    data = make_motif_dataset(1000, random_state=0)
    rows = []
    for cls in (CNNClassifier, CNNRNNClassifier):
        clf = cls(max_epochs=1, random_state=0, verbose=0).fit(data.X, data.y)
        X = one_hot_encode(data.X[:256])
        module = clf.module_.eval()

        class LogProb(torch.nn.Module):
            def forward(self, x):
                return torch.nn.functional.logsigmoid(module(x))[:, None]

        class Logit(torch.nn.Module):
            def forward(self, x):
                return module(x)[:, None]

        def explain(method, n, **kw):
            explainer = SaliencyExplainer(FrozenEstimator(clf), method=method, **kw).fit(X)
            return lambda: explainer.transform(X[:n])

        refs = one_hot_encode(data.X[256:266])
        n_samples = 50
        cases = [
            ("ours: SaliencyExplainer(method='saliency')", explain("saliency", 256), 256),
            ("captum: Saliency", lambda: Saliency(LogProb()).attribute(
                torch.as_tensor(X), target=0), 256),
            ("ours: SaliencyExplainer(method='ism')", explain("ism", 8), 8),
            (f"ours: SaliencyExplainer(method='deepshap', n_samples={n_samples})",
             explain("deepshap", 8, n_samples=n_samples), 8),
            (f"shap: GradientExplainer(nsamples={n_samples}), one shared background",
             lambda: shap.GradientExplainer(Logit(), torch.as_tensor(refs)).shap_values(
                 torch.as_tensor(X[:8]), nsamples=n_samples), 8),
            (f"captum: GradientShap(n_samples={n_samples})", lambda: GradientShap(LogProb()).attribute(
                torch.as_tensor(X[:8]), baselines=torch.as_tensor(refs), n_samples=n_samples,
                target=0), 8),
        ]
        optimizer = ClassOptimizer(FrozenEstimator(clf), n_iter=1000, n_restarts=8)
        cases.append(("ours: ClassOptimizer (8 restarts x 1000 RMSprop steps; "
                      "optimised inputs/s)", lambda: optimizer.fit(X), 8))
        if cls is CNNRNNClassifier:
            batched = TemporalScorer(FrozenEstimator(clf)).fit(X)
            loop = TemporalScorer(FrozenEstimator(clf), algorithm="loop").fit(X)
            cases += [("ours: TemporalScorer (batched)", lambda: batched.transform(X[:32]), 32),
                      ("naive loop: TemporalScorer(algorithm='loop')",
                       lambda: loop.transform(X[:32]), 32)]
        for label, fn, n in cases:
            rate = _rate(fn, n)
            rows.append({"model": cls.__name__, "explainer": label, "sequences": n,
                         "seq_per_s": rate})
            print(cls.__name__, label, f"{rate:.1f} seq/s", flush=True)
    return rows


def markdown(results: dict, command: str) -> str:
    lines = [f"## Explainers ({datetime.date.today().isoformat()})", "",
             f"- Command: `{command}`", f"- Machine: {machine()}", ""]
    if "planted" in results:
        lines += ["### Ground truth: planted CTCF + GABPA motifs (`make_motif_dataset(3000)`, "
                  "trained 15 epochs on 2,500, explained on 100 test positives)", "",
                  "| model | test AUC | " + " | ".join(f"AUROC {m}" for m in METHODS)
                  + " | forward rise inside / outside sites | class-opt restarts whose best "
                  "JASPAR match is planted |", "|---" * (len(METHODS) + 4) + "|"]
        for model, row in results["planted"].items():
            lines.append(
                f"| {model} | {row['test_auc']:.3f} | "
                + " | ".join(f"{row[f'auroc_{m}']:.3f}" for m in METHODS)
                + f" | {row['temporal_rise_inside']:.4f} / {row['temporal_rise_outside']:.4f} | "
                f"{row['class_opt_restarts_matching_planted']} of "
                f"{len(row['class_opt_best_matches'])} ({', '.join(row['class_opt_best_matches'])}) |")
        lines.append("")
    if "real" in results:
        lines += ["### Real data: does the CNN's class optimisation or its first-layer filters "
                  "find the factor's own JASPAR motif?", "",
                  "| dataset | test AUC | class-opt best rank of factor (restarts with it in "
                  "top 10, of 8) | class-opt top match | filters with factor as top match | "
                  "filters with factor in top 10 (active filters) |", "|---" * 6 + "|"]
        for name, row in results["real"].items():
            lines.append(
                f"| {name} | {row['test_auc']:.3f} | {row['class_opt_best_rank'] or 'not in top 10'} "
                f"({row['class_opt_restarts_with_factor_top10']}) | "
                f"{row['class_opt_top_match_best_restart']} | {row['filters_with_factor_top1']} | "
                f"{row['filters_with_factor_top10']} ({row['filters_active']}) |")
        lines.append("")
    if "throughput" in results:
        lines += ["### Throughput on CPU (sequences/s, 101 bp, DeMo-sized models)", "",
                  "| model | explainer | sequences per call | sequences/s |", "|---|---|---|---|"]
        for row in results["throughput"]:
            lines.append(f"| {row['model']} | {row['explainer']} | {row['sequences']} | "
                         f"{row['seq_per_s']:.1f} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["REST", "CTCFL", "GABPA"])
    parser.add_argument("--parts", nargs="+", default=["planted", "real", "throughput"],
                        choices=["planted", "real", "throughput"])
    parser.add_argument("--quick", action="store_true", help="few epochs and iterations (smoke run)")
    parser.add_argument("--mirror", default=os.environ.get("SKLEARN_DEMO_MIRROR", DEFAULT_MIRROR))
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--results", default=HERE / "RESULTS.md", type=Path)
    args = parser.parse_args(argv)
    command = "python benchmarks/explainers.py " + " ".join(argv if argv is not None else sys.argv[1:])
    parts = {"planted": planted, "real": real, "throughput": throughput}
    results = {part: parts[part](args) for part in args.parts}
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"explainers-{'-'.join(args.parts)}.json").write_text(
        json.dumps(results, indent=2, default=str) + "\n")
    section = markdown(results, command.strip())
    if not args.quick:
        write_section("explainers-" + "-".join(args.parts), section, args.results)
    print(section)


if __name__ == "__main__":
    main()
