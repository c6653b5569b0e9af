"""Explainers checked against ground truth, on real data, and for speed.

1. Planted motifs (``make_motif_dataset``: CTCF + GABPA, CTCF alone, GABPA
   alone): per-position AUROC of every attribution method the dashboard
   scores (DeMo's saliency among them) for "inside a planted site", over all
   sites and per motif; on CTCF + GABPA also the forward temporal score's
   rise inside sites and class optimisation by both recipes (simplex and
   DeMo's unconstrained one); for a CNN and a CNN-RNN.
2. Real data (DeepBind ENCODE mirror): each network (``--models``) with its
   defaults per dataset; class optimisation by both recipes (p(class) of the
   reported matrix and of its consensus, the factor's rank among the JASPAR
   matches) and, for the convolutional ones, the first-layer filters' matches.
3. Throughput (sequences/s, on ``--device`` in ``--precision``) of each explainer beside captum's
   ``Saliency`` and ``GradientShap``, shap's own ``GradientExplainer`` and
   tangermeme's ``saturation_mutagenesis`` on the same model, in the same run
   (``pip install -e .[bench]`` for tangermeme); for the CNN also mutagenesis
   from the receptive field of each substitution only (fastISM's idea,
   :class:`~sklearn_demo.explain.methods.local_ism.LocalMutagenesis`) beside
   whole forward passes, at 101 and 1,000 bp.

Usage::

    python benchmarks/explainers.py [--parts planted real] [--datasets REST CTCFL GABPA]
        [--epochs 50] [--max-train N] [--models CNN RNN CNN-RNN] [--quick]
    python benchmarks/explainers.py --parts throughput --device cuda --precision bfloat16

Appends a dated section to ``benchmarks/RESULTS.md`` and writes the numbers to
``benchmarks/results/explainers-<parts>.json``.
"""
from __future__ import annotations

import datetime
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sklearn_demo import (
    ClassOptimizer, CNNClassifier, CNNRNNClassifier, RNNClassifier, SaliencyExplainer,
    TemporalScorer, fetch_deepbind_encode, first_layer_pwms, make_motif_dataset, match_motifs,
    optimize_jointly,
)
from sklearn_demo.dashboard import ATTRIBUTION, ATTRIBUTION_METHODS
from sklearn_demo.encoding import one_hot_encode
from sklearn_demo.explain.methods import saturation_mutagenesis
from sklearn_demo.explain.methods.local_ism import LocalMutagenesis
from sklearn_demo.precision import PRECISIONS, mixed_precision
from sklearn_demo.explain.ground_truth import position_importance, site_aurocs, temporal_rise

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    benchmark_parser, command_line, factor_name, machine, write_section,
)

#: JASPAR names that count as the factor or its family (same binding domain,
#: near-identical motifs), for the rank of the factor among class-optimisation
#: matches. Every name is reported as found, so the choice can be checked.
FAMILIES = {
    "CTCFL": ["CTCFL", "CTCF"],
    "ELK1": ["ELK1", "ELK4", "ELK3", "ETV1", "ETV4", "ETV5", "GABPA", "ELF1", "ETS1"],
    "GABPA": ["GABPA", "ELK1", "ELK4", "ETV1", "ETV4", "ETV5", "ELF1", "ETS1", "ETV6", "ETV7"],
    "MYC": ["MYC", "MAX", "MYC::MAX", "MAX::MYC", "MNT", "MXI1", "USF1", "USF2"],
    "USF1": ["USF1", "USF2", "MAX", "MYC", "MNT", "TFE3", "TFEB", "MITF"],
    "FOXA1": ["FOXA1", "FOXA2", "FOXA3", "FOXC1", "FOXP1", "FOXJ3"],
    "SP1": ["SP1", "SP2", "SP3", "SP4", "KLF4", "KLF5", "KLF1"],
}

NETWORKS = {"CNN": CNNClassifier, "RNN": RNNClassifier, "CNN-RNN": CNNRNNClassifier}

RECIPES = {
    "simplex": {},
    "DeMo (unconstrained)": {"parameterization": "unconstrained", "class_score": "log_proba"},
}


def rank_of(factors: Sequence[str], matches) -> int | None:
    """1-based rank of the first match named one of ``factors`` (case-insensitive)."""
    wanted = {factor.upper() for factor in factors}
    for rank, match in enumerate(matches, start=1):
        if match.name.upper() in wanted:
            return rank
    return None


def class_optimisation(clf, X, factors: Sequence[str], n_iter: int) -> dict:
    """Both recipes: p(class) of the best matrix and of its consensus, the
    best restart's top JASPAR matches and the rank of the factor among them."""
    out = {}
    for label, params in RECIPES.items():
        optimizer = ClassOptimizer(FrozenEstimator(clf), n_iter=n_iter, **params).fit(X)
        matches = optimizer.match(n_matches=10)
        out[label] = {
            "p_best_matrix": float(optimizer.scores_[0]),
            "p_best_consensus": float(optimizer.consensus_scores_[0]),
            "top_matches_best_restart": [m.name for m in matches[0][:3]],
            "factor_rank_best_restart": rank_of(factors, matches[0]),
            "restarts_with_factor_top1": sum(rank_of(factors, m) == 1 for m in matches),
        }
    return out


#: Planted data sets: the dashboard's two motifs, where one suffices to
#: classify, and each motif alone, where the model must use it.
PLANTED = {"CTCF + GABPA": ("MA0139", "MA0062"), "CTCF only": ("MA0139",),
           "GABPA only": ("MA0062",)}


def planted(args) -> dict:
    out = {}
    for setting, motifs in PLANTED.items():
        data = make_motif_dataset(3000, motifs=motifs, random_state=0)
        positives = np.flatnonzero(data.y[2500:])[:100] + 2500
        sites = [data.sites[i] for i in positives]
        for cls in (NETWORKS[name] for name in args.models):
            clf = cls(max_epochs=15, random_state=0, verbose=0, device=args.device).fit(
                data.X[:2500], data.y[:2500])
            row = {"planted": setting, "model": cls.__name__, "test_auc": roc_auc_score(
                data.y[2500:], clf.predict_proba(data.X[2500:])[:, 1]), "auroc": {}}
            for label, params in ATTRIBUTION_METHODS.items():
                params = ({**params, "n_samples": 50} if args.quick and "n_samples" in params
                          else params)
                attributions = SaliencyExplainer(FrozenEstimator(clf), **params).fit(
                    data.X).transform(data.X[positives])
                by_motif = site_aurocs(position_importance(attributions, params["method"]), sites)
                row["auroc"][label] = {data.motif_names.get(key, key): value
                                       for key, value in by_motif.items()}
            if len(motifs) == 2:
                scores = TemporalScorer(FrozenEstimator(clf)).fit(data.X).transform(
                    data.X[positives])
                row["temporal_rise_inside"], row["temporal_rise_outside"] = temporal_rise(
                    scores, data.mask[positives])
                row["class_optimisation"] = class_optimisation(
                    clf, data.X, list(data.motif_names.values()), 200 if args.quick else 1000)
            out[f"{setting} {cls.__name__}"] = row
            print(setting, cls.__name__, row, flush=True)
    return out


def real(args) -> dict:
    out = {}
    for name in args.datasets:
        data = fetch_deepbind_encode(name, mirror=args.mirror, data_home=args.data_home)
        factor = factor_name(data.name)
        X, y = data.X_train, data.y_train
        if args.max_train and len(X) > args.max_train:
            keep = np.random.RandomState(0).choice(len(X), args.max_train, replace=False)
            X, y = X[keep], y[keep]
        for cls in (NETWORKS[name] for name in args.models):
            clf = cls(random_state=0, verbose=0, max_epochs=3 if args.quick else args.epochs,
                      device=args.device)
            clf.fit(X, y)
            row = {"factor": factor, "n_train": len(X),
                   "test_auc": roc_auc_score(data.y_test, clf.predict_proba(data.X_test)[:, 1]),
                   "class_optimisation": class_optimisation(
                       clf, X, FAMILIES.get(factor, [factor]), 200 if args.quick else 1000)}
            out[f"{data.name} {cls.__name__}"] = row
            print(data.name, cls.__name__, row, flush=True)
            if cls is RNNClassifier:  # no convolutional filters
                continue
            filter_pwms, n_sites = first_layer_pwms(clf, X[y == 1][:4000])
            active = np.flatnonzero(n_sites > 0)
            filter_ranks = [rank_of([factor], m)
                            for m in match_motifs(list(filter_pwms[active]), n_matches=10)]
            row.update({"filters_with_factor_top1": sum(r == 1 for r in filter_ranks),
                        "filters_with_factor_top10": sum(r is not None for r in filter_ranks),
                        "filters_active": int(len(active))})
    return out


def _rate(fn, n: int, repeat: int = 2, min_seconds: float = 1.0, max_repeat: int = 100) -> float:
    """``n`` over the best time of ``fn`` after one warm-up call: at least
    ``repeat`` timed calls, more (up to ``max_repeat``) until ``min_seconds``
    are spent, so that calls of a few milliseconds are not judged by two."""
    fn()  # warm-up
    times = [_timed(fn) for _ in range(repeat)]
    while sum(times) < min_seconds and len(times) < max_repeat:
        times.append(_timed(fn))
    return n / min(times)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()  # the peers return tensors still being computed
    return time.perf_counter() - start


def throughput(args) -> list[dict]:
    import shap
    from captum.attr import GradientShap, Saliency
    from tangermeme.saturation_mutagenesis import saturation_mutagenesis as tangermeme_ism

    data = make_motif_dataset(1000, random_state=0)
    rows = []
    device, precision = args.device, args.precision
    for cls in (CNNClassifier, CNNRNNClassifier):
        clf = cls(max_epochs=1, random_state=0, verbose=0, device=device,
                  precision=precision).fit(data.X, data.y)
        X = one_hot_encode(data.X[:256])
        module = clf.module_.eval()

        class Logit(torch.nn.Module):
            """The peers' model: the module in the run's precision (as ours runs
            it), with cuDNN's LSTM backward allowed (train mode, no dropout)."""

            def __init__(self):
                super().__init__()
                self.module = module

            def forward(self, x):
                if device.startswith("cuda"):  # shap calls eval() on the model it is given
                    for sub in module.modules():
                        if isinstance(sub, torch.nn.LSTM):
                            sub.train()
                with mixed_precision(device, precision):
                    return module(x).float()[:, None]

        class LogProb(Logit):
            def forward(self, x):
                return torch.nn.functional.logsigmoid(super().forward(x))

        def tensor(a):
            return torch.as_tensor(a, device=device)

        def explain(method, n, **kw):
            explainer = SaliencyExplainer(FrozenEstimator(clf), method=method, **kw).fit(X)
            return lambda: explainer.transform(X[:n])

        refs = one_hot_encode(data.X[256:266])
        n_samples = 50
        cases = [
            ("ours: SaliencyExplainer(method='saliency')", explain("saliency", 256), 256),
            ("captum: Saliency", lambda: Saliency(LogProb()).attribute(tensor(X), target=0), 256),
            ("ours: SaliencyExplainer(method='ism')", explain("ism", 8), 8),
            ("tangermeme: saturation_mutagenesis (raw outputs, fastISM when it pays)",
             lambda: tangermeme_ism(Logit(), torch.as_tensor(X[:8]), raw_outputs=True,
                                    batch_size=256, device=device, verbose=False), 8),
            (f"ours: SaliencyExplainer(method='expected_gradients', n_samples={n_samples})",
             explain("expected_gradients", 8, n_samples=n_samples), 8),
            (f"shap: GradientExplainer(nsamples={n_samples}), one shared background",
             lambda: shap.GradientExplainer(Logit(), tensor(refs)).shap_values(
                 tensor(X[:8]), nsamples=n_samples), 8),
            (f"captum: GradientShap(n_samples={n_samples})", lambda: GradientShap(LogProb()).attribute(
                tensor(X[:8]), baselines=tensor(refs), n_samples=n_samples, target=0), 8),
            # captum passes all 8 x 50 samples at once; ours by default in
            # batches of 256 (two passes here), and in captum's one batch:
            (f"ours: SaliencyExplainer(method='expected_gradients', n_samples={n_samples}, "
             f"batch_size={8 * n_samples}: captum's one pass)",
             explain("expected_gradients", 8, n_samples=n_samples, batch_size=8 * n_samples), 8),
        ]
        if args.class_optimisation:
            optimizer = ClassOptimizer(FrozenEstimator(clf), n_iter=1000, n_restarts=8)
            cases.append(("ours: ClassOptimizer (8 restarts x 1000 steps; "
                          "optimised inputs/s)", lambda: optimizer.fit(X), 8))
            # Several target models: four of one architecture (other seeds).
            optimizers = [ClassOptimizer(FrozenEstimator(
                clf if seed == 0 else clone(clf).set_params(random_state=seed).fit(data.X, data.y)),
                n_iter=1000, n_restarts=8) for seed in range(4)]
            cases += [("ours: optimize_jointly, 4 models x 8 restarts x 1000 steps "
                       "(optimised inputs/s)", lambda: optimize_jointly(optimizers, X), 32),
                      ("one after another: ClassOptimizer.fit on each of the 4 models",
                       lambda: [o.fit(X) for o in optimizers], 32)]
        if cls is CNNClassifier:
            # fastISM's gain: the same scores from the reference's activations
            # at the positions each substitution reaches, or from whole passes.
            local = LocalMutagenesis(module, link=lambda logit: logit,
                                     context=lambda: mixed_precision(device, precision))
            long = np.eye(4, dtype=np.float32)[np.random.default_rng(0).integers(4, size=(2, 1000))]
            long = np.ascontiguousarray(long.transpose(0, 2, 1))
            for name, x, n in (("101 bp", X[:8], 8), ("1000 bp", long, 2)):
                cases += [(f"ours: saturation_mutagenesis, {name}, receptive field only (fastISM)",
                           lambda x=x: saturation_mutagenesis(
                               lambda b: Logit()(b)[:, 0], x, batch_size=1024, device=device,
                               local=local), n),
                          (f"whole forward passes: saturation_mutagenesis, {name}",
                           lambda x=x: saturation_mutagenesis(
                               lambda b: Logit()(b)[:, 0], x, batch_size=1024, device=device), n)]
        if cls is CNNRNNClassifier:
            batched = TemporalScorer(FrozenEstimator(clf)).fit(X)
            loop = TemporalScorer(FrozenEstimator(clf), algorithm="loop").fit(X)
            cases += [("ours: TemporalScorer (batched)", lambda: batched.transform(X[:32]), 32),
                      ("naive loop: TemporalScorer(algorithm='loop')",
                       lambda: loop.transform(X[:32]), 32)]
        for label, fn, n in cases:
            rate = _rate(fn, n)
            rows.append({"model": cls.__name__, "explainer": label, "sequences": n,
                         "seq_per_s": rate, "device": device, "precision": precision})
            print(cls.__name__, label, f"{rate:.1f} seq/s", flush=True)
    for model, ours, peer, ratio in throughput_ratios(rows):
        print(f"{model}: {ours} / {peer} = {ratio:.2f}x", flush=True)
    return rows


#: (ours, peer) label prefixes compared in the throughput ratios.
PAIRS = [("ours: SaliencyExplainer(method='saliency')", "captum: Saliency"),
         ("ours: SaliencyExplainer(method='expected_gradients'", "shap: GradientExplainer"),
         ("ours: SaliencyExplainer(method='expected_gradients'", "captum: GradientShap"),
         ("ours: SaliencyExplainer(method='ism')", "tangermeme: saturation_mutagenesis"),
         ("ours: saturation_mutagenesis, 101 bp", "whole forward passes: saturation_mutagenesis, 101"),
         ("ours: saturation_mutagenesis, 1000 bp",
          "whole forward passes: saturation_mutagenesis, 1000"),
         ("ours: TemporalScorer (batched)", "naive loop: TemporalScorer"),
         ("ours: optimize_jointly", "one after another: ClassOptimizer")]


def throughput_ratios(rows: list[dict]) -> list[tuple[str, str, str, float]]:
    """(model, ours, peer, ours / peer sequences per second) for every pair in
    ``PAIRS`` measured on the same model (every row whose label starts with
    the pair's prefix)."""
    out = []
    for model in dict.fromkeys(row["model"] for row in rows):
        mine = {row["explainer"]: row["seq_per_s"] for row in rows if row["model"] == model}
        for ours, peer in PAIRS:
            out += [(model, a, b, mine[a] / mine[b]) for a in mine if a.startswith(ours)
                    for b in mine if b.startswith(peer)]
    return out


def markdown(results: dict, command: str) -> str:
    lines = [f"## Explainers ({datetime.date.today().isoformat()})", "",
             f"- Command: `{command}`", f"- Machine: {machine()}", ""]
    if "planted" in results:
        lines += ["### Ground truth: planted motifs (`make_motif_dataset(3000, motifs=...)`, "
                  "trained 15 epochs on 2,500, explained on 100 test positives)", "",
                  "AUROC of per-position importance for planted positions vs the rest, over all "
                  "sites and per motif (that motif's sites vs the positions outside every site); "
                  f"the dashboard shows {ATTRIBUTION}:", "",
                  "| planted | model | test AUC | attribution | all sites | CTCF sites | "
                  "GABPA sites |", "|---" * 7 + "|"]
        for row in results["planted"].values():
            for label, aurocs in row["auroc"].items():
                cells = [f"{aurocs[key]:.3f}" if key in aurocs else "" for key in
                         ("all", "CTCF", "GABPA")]
                lines.append(f"| {row['planted']} | {row['model']} | {row['test_auc']:.3f} | "
                             f"{label} | " + " | ".join(cells) + " |")
        with_sites = {f"{row['planted']} {row['model']}": row
                      for row in results["planted"].values() if "class_optimisation" in row}
        lines += ["", "Forward temporal score's mean rise per position inside / outside "
                  "planted sites: " + "; ".join(
                      f"{name} {row['temporal_rise_inside']:.4f} / "
                      f"{row['temporal_rise_outside']:.4f}" for name, row in with_sites.items()),
                  "", *_class_optimisation_table(with_sites, "planted and model"), ""]
    if "real" in results:
        lines += ["### Real data: class optimisation of each network, both recipes, "
                  "and the first-layer filters of the convolutional ones", "",
                  *_class_optimisation_table(results["real"], "dataset and model"), "",
                  "| dataset and model | training sequences | test AUC | filters with factor "
                  "as top match | filters with factor in top 10 (active filters) |",
                  "|---" * 5 + "|"]
        for name, row in results["real"].items():
            filters = (f"{row['filters_with_factor_top1']} | {row['filters_with_factor_top10']} "
                       f"({row['filters_active']})" if "filters_active" in row
                       else "no filters | no filters")
            lines.append(f"| {name} | {row['n_train']} | {row['test_auc']:.3f} | {filters} |")
        lines.append("")
    if "throughput" in results:
        first = results["throughput"][0]
        where = (f"on {first.get('device', 'cpu')}, "
                 f"precision={first.get('precision', 'float32')}")
        lines += [f"### Throughput {where} (sequences/s, 101 bp, DeMo-sized models)", "",
                  "| model | explainer | sequences per call | sequences/s |", "|---|---|---|---|"]
        for row in results["throughput"]:
            lines.append(f"| {row['model']} | {row['explainer']} | {row['sequences']} | "
                         f"{row['seq_per_s']:.1f} |")
        lines += ["", "Ours over each peer, same model, same run (above 1: ours is faster):", "",
                  "| model | ours | peer | ratio |", "|---|---|---|---|"]
        for model, ours, peer, ratio in throughput_ratios(results["throughput"]):
            lines.append(f"| {model} | {ours} | {peer} | {ratio:.2f}x |")
        lines.append("")
    return "\n".join(lines)


def _class_optimisation_table(rows: dict, what: str) -> list[str]:
    lines = ["Class optimisation (8 restarts x 1000 steps): p(class) of the best matrix fed as "
             "soft input and of its consensus sequence; the best restart's top JASPAR matches; "
             "rank of the factor (or its family, see `FAMILIES`) among its matches; restarts "
             "whose top match is the factor.", "",
             f"| {what} | recipe | p(matrix) | p(consensus) | top matches | factor rank | "
             "restarts with factor first |", "|---" * 7 + "|"]
    for name, row in rows.items():
        for recipe, result in row["class_optimisation"].items():
            lines.append(
                f"| {name} | {recipe} | {result['p_best_matrix']:.3f} | "
                f"{result['p_best_consensus']:.3f} | {', '.join(result['top_matches_best_restart'])} "
                f"| {result['factor_rank_best_restart'] or 'not in top 10'} | "
                f"{result['restarts_with_factor_top1']} of 8 |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = benchmark_parser(__doc__, data=True, device=True, epochs=50)
    parser.add_argument("--datasets", nargs="+", default=["REST", "CTCFL", "GABPA"])
    parser.add_argument("--parts", nargs="+", default=["planted", "real", "throughput"],
                        choices=["planted", "real", "throughput"])
    parser.add_argument("--quick", action="store_true", help="few epochs and iterations (smoke run)")
    parser.add_argument("--max-train", type=int, default=None,
                        help="random subset of the training set on real data (CPU budget)")
    parser.add_argument("--models", nargs="+", default=["CNN", "CNN-RNN"], choices=list(NETWORKS),
                        help="networks of the planted and real parts")
    parser.add_argument("--no-class-optimisation", dest="class_optimisation",
                        action="store_false",
                        help="leave the class-optimisation rows out of the throughput part "
                             "(most of its time: 1000 sequential steps per call)")
    parser.add_argument("--precision", default="float32", choices=list(PRECISIONS),
                        help="the networks' precision in the throughput part")
    args = parser.parse_args(argv)
    command = command_line("explainers.py", argv)
    parts = {"planted": planted, "real": real, "throughput": throughput}
    results = {part: parts[part](args) for part in args.parts}
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    key = ("explainers-" + "-".join(args.parts) + ("" if args.device == "cpu" else f"-{args.device}")
           + ("" if args.precision == "float32" else f"-{args.precision}"))
    (out / f"{key}.json").write_text(
        json.dumps(results, indent=2, default=str) + "\n")
    section = markdown(results, command)
    if not (args.quick or args.no_report):
        write_section(key, section, args.results)
    print(section)


if __name__ == "__main__":
    main()
