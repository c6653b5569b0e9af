"""Accuracy of the networks and baselines on DeepBind's ENCODE datasets,
beside the published DeepBind AUC for the same test sets.

Protocol (DeMo's): train on the ``_AC`` peaks plus one dinucleotide shuffle of
each, select on a stratified 10% validation split of that training data
(networks: best epoch; k-mer model: its C), test once on ``_B``. Nothing is
tuned on the test sets.

Every (dataset, model) cell runs as one joblib task, so cells spread over
local processes (default), a Dask cluster (``--backend dask``, a
``LocalCluster`` unless ``--scheduler`` names one) or Ray (``--backend ray``).
A finished cell is cached as JSON under ``benchmarks/results/cells/`` and is
not recomputed: an interrupted run resumes where it stopped.

Usage::

    python benchmarks/deepbind_accuracy.py                          # all ten, all models
    python benchmarks/deepbind_accuracy.py --datasets REST CTCFL --models cnn kmer --n-jobs 2
    python benchmarks/deepbind_accuracy.py --models cnnrnn --variant rc reverse_complement=True

Writes ``benchmarks/results/deepbind_accuracy.csv``, the figure
``benchmarks/results/auc_vs_deepbind.png`` and a section of ``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import csv
import datetime
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed, parallel_config

from sklearn_demo.datasets import DEEPBIND_ENCODE

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    HERE, benchmark_parser, command_line, factor_name, machine, write_section,
)

MODELS = ("cnn", "rnn", "cnnrnn", "kmer", "gkm")
PROTOCOL = 1  # bump when the protocol changes, to invalidate cached cells


def estimator_class(key: str) -> type:
    """The estimator class behind a model key of ``MODELS``."""
    from sklearn_demo import (
        CNNClassifier, CNNRNNClassifier, GappedKmerSVC, KmerClassifier, RNNClassifier,
    )

    return {"cnn": CNNClassifier, "rnn": RNNClassifier, "cnnrnn": CNNRNNClassifier,
            "kmer": KmerClassifier, "gkm": GappedKmerSVC}[key]


def make_model(key: str, params: dict, seed: int):
    """A fresh estimator for ``key`` with its defaults and ``params``."""
    if key in ("cnn", "rnn", "cnnrnn"):
        return estimator_class(key)(**{"random_state": seed, "verbose": 0, **params})
    return estimator_class(key)(**params)


def _select_kmer_C(model, X, y, seed):
    """Pick the k-mer model's C on a stratified 10% validation split, refit on all."""
    from sklearn.base import clone
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    X_fit, X_val, y_fit, y_val = train_test_split(X, y, test_size=0.1, stratify=y,
                                                  random_state=seed)
    scores = {C: roc_auc_score(y_val, clone(model).set_params(C=C).fit(X_fit, y_fit)
                               .predict_proba(X_val)[:, 1])
              for C in (0.1, 1.0, 10.0)}
    return model.set_params(C=max(scores, key=scores.get)).fit(X, y)


def run_cell(dataset: str, key: str, variant: str, params: dict, settings: dict) -> dict:
    """Train and test one model on one dataset; cached on disk by its inputs."""
    cache = Path(settings["cache_dir"]) / (cell_id(dataset, key, variant, params, settings) + ".json")
    if cache.exists():
        return json.loads(cache.read_text())
    import torch
    from sklearn.metrics import average_precision_score, roc_auc_score

    from sklearn_demo import fetch_deepbind_encode

    torch.set_num_threads(settings["threads"])
    data = fetch_deepbind_encode(dataset, mirror=settings["mirror"],
                                 data_home=settings["data_home"], random_state=settings["seed"])
    X, y = data.X_train, data.y_train
    limit = settings["max_train"].get(key)
    if limit and len(X) > limit:
        keep = np.random.RandomState(settings["seed"]).choice(len(X), limit, replace=False)
        X, y = X[keep], y[keep]
    model = make_model(key, params, settings["seed"])
    start = time.perf_counter()
    if key == "kmer":
        _select_kmer_C(model, X, y, settings["seed"])
    else:
        model.fit(X, y)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    score = model.predict_proba(data.X_test)[:, 1]
    predict_s = time.perf_counter() - start
    row = {
        "dataset": data.name,
        "model": row_label(type(model).__name__, variant, settings["seed"]),
        "test_auc": float(roc_auc_score(data.y_test, score)),
        "test_auprc": float(average_precision_score(data.y_test, score)),
        "deepbind_auc": data.deepbind_auc,
        "n_train": int(len(X)),
        "epochs_run": len(model.history) if hasattr(model, "history") else None,
        "train_s": train_s,
        "predict_s": predict_s,
        "torch_threads": settings["threads"],
        "params": params,
        "command": cell_command(dataset, key, variant, params, settings["max_train"].get(key),
                                settings["seed"]),
    }
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".part")
    tmp.write_text(json.dumps(row, indent=1))
    os.replace(tmp, cache)
    return row


def model_defaults(key: str) -> dict:
    """The estimator's default parameters that are plain data: a change of a
    default (say the RNN's ``hidden_size``) gives new cells, not stale ones."""
    defaults = estimator_class(key)().get_params(deep=False)
    return {name: list(value) if isinstance(value, tuple) else value
            for name, value in sorted(defaults.items())
            if isinstance(value, (bool, int, float, str, tuple, type(None)))
            and name not in ("random_state", "verbose")}


def row_label(model: str, variant: str, seed: int) -> str:
    """A cell's row in the table: the estimator's class, then ``+variant``,
    then ``+seedN`` for a seed other than the default 0 (so a rerun with
    another seed sits beside the row it repeats, not on top of it)."""
    return model + (f"+{variant}" if variant else "") + (f"+seed{seed}" if seed else "")


def cell_command(dataset: str, key: str, variant: str, params: dict,
                 max_train: int | None, seed: int = 0) -> str:
    """The options of this script that compute one cell (``--n-jobs`` and
    ``--threads`` change its seconds, not its result)."""
    parts = ["--models", key, "--datasets", factor_name(dataset)]
    if seed:
        parts += ["--seed", str(seed)]
    if key == "gkm":
        parts += ["--max-train-gkm", str(max_train)]
    elif max_train:
        parts += ["--max-train", f"{key}={max_train}"]
    if variant:
        parts += ["--variant", variant] + [
            f"{k}={json.dumps(v) if not isinstance(v, str) else v}" for k, v in params.items()]
    return " ".join(parts)


SETS = "\0"


def row_commands(models: list[str], datasets: list[str], cell: dict) -> list[str]:
    """One line per row: the command of its cells (their data sets merged),
    and how a relabelled cell came to its row."""
    lines = []
    for model in models:
        commands, notes = {}, []  # template with SETS where the data sets go: no
        for name in datasets:     # str.format, as a parameter's value may hold braces
            row = cell.get((name, model), {})
            if "command" in row:
                short = factor_name(name)
                template = row["command"].replace(f"--datasets {short}", f"--datasets {SETS}")
                commands.setdefault(template, []).append(short)
            if row.get("note") and row["note"] not in notes:
                notes.append(row["note"])
        if commands:
            shown = "; ".join(f"`{template.replace(SETS, ' '.join(sets))}`"
                              for template, sets in commands.items())
            lines.append(f"- {model}: {shown}" + (f" ({'; '.join(notes)})" if notes else ""))
    return lines


def cell_id(dataset: str, key: str, variant: str, params: dict, settings: dict) -> str:
    """File name of a cell: readable prefix plus a hash of everything that matters."""
    relevant = {"dataset": dataset, "model": key, "params": params, "seed": settings["seed"],
                "max_train": settings["max_train"].get(key), "protocol": PROTOCOL,
                "defaults": model_defaults(key)}
    digest = hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:12]
    return f"{factor_name(dataset)}__{key}{'+' + variant if variant else ''}__{digest}"


def _ship_by_value(cloudpickle) -> None:
    """Send this script and its ``harness`` helper to cluster workers by value:
    they live in ``benchmarks/``, which workers cannot import (only
    ``sklearn_demo`` must be installed on them)."""
    for name in (__name__, "harness"):
        if name != "__main__":
            cloudpickle.register_pickle_by_value(sys.modules[name])


def run(datasets, models, variant, params, settings, backend, n_jobs, scheduler=None):
    """Run every (dataset, model) cell through joblib on the chosen backend."""
    tasks = [delayed(run_cell)(name, key, variant, params, settings)
             for name in datasets for key in models]
    if backend == "dask":
        import cloudpickle
        from dask.distributed import Client, LocalCluster

        _ship_by_value(cloudpickle)

        client = Client(scheduler) if scheduler else Client(
            LocalCluster(n_workers=n_jobs, threads_per_worker=1, processes=True))
        try:
            with parallel_config(backend="dask"):
                return Parallel(verbose=5)(tasks)
        finally:
            client.close()
    if backend == "ray":
        from ray import cloudpickle
        from ray.util.joblib import register_ray

        _ship_by_value(cloudpickle)
        register_ray()
    with parallel_config(backend=backend, n_jobs=n_jobs):
        return Parallel(verbose=5)(tasks)


def is_defaults(model: str) -> bool:
    """Whether a row holds a class's defaults (bold in the table, in the figure)."""
    return "+" not in model


def plot(rows: list[dict], path: Path) -> None:
    """Left: each model's test AUC against DeepBind's published AUC. Right: the
    difference per dataset, so models close to each other near 1.0 separate;
    a difference below the axis' floor is drawn hollow on its edge. The
    classes' defaults and DeMo's recipes only (the variants are in the
    table)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    floor = -0.15
    rows = [r for r in rows if is_defaults(r["model"]) or r["model"].endswith("+demo")]
    models = list(dict.fromkeys(r["model"] for r in rows))
    datasets = sorted(dict.fromkeys(r["dataset"] for r in rows),
                      key=lambda name: DEEPBIND_ENCODE[name][2])
    fig, (ax, diff) = plt.subplots(1, 2, figsize=(11, 5), width_ratios=(1, 1.2))
    for index, model in enumerate(models):
        mine = [r for r in rows if r["model"] == model]
        color = f"C{index}"
        ax.scatter([r["deepbind_auc"] for r in mine], [r["test_auc"] for r in mine],
                   label=model, alpha=0.8, color=color)
        delta = np.array([r["test_auc"] - r["deepbind_auc"] for r in mine])
        y = [datasets.index(r["dataset"]) + (index - len(models) / 2) * 0.08 for r in mine]
        off = delta < floor
        diff.scatter(delta[~off], np.array(y)[~off], color=color, alpha=0.8)
        diff.scatter(np.full(off.sum(), floor), np.array(y)[off], facecolors="none",
                     edgecolors=color)
    ax.plot([0.5, 1], [0.5, 1], ls=":", color="grey")
    ax.set_xlabel("DeepBind test AUC (published)")
    ax.set_ylabel("test AUC (this run)")
    ax.set_title("Per dataset: model vs DeepBind")
    ax.legend(fontsize=7)
    diff.axvline(0, color="grey", ls=":")
    diff.set_xlim(floor - 0.01, None)
    diff.set_yticks(range(len(datasets)), [factor_name(name) for name in datasets])
    diff.set_xlabel("test AUC minus DeepBind's (hollow: below the axis)")
    diff.set_title("Gain over DeepBind, datasets by DeepBind AUC")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def markdown(rows: list[dict], command: str, figure: str) -> str:
    """The section: one row per model (test AUC per set, mean, median, the
    gap to the k-mer baseline), then train seconds per set."""
    models = sorted(dict.fromkeys(r["model"] for r in rows), key=lambda m: (m.split("+")[0], m))
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    short = [factor_name(name) for name in datasets]
    cell = {(r["dataset"], r["model"]): r for r in rows}
    kmer = "KmerClassifier"
    lines = [
        f"## DeepBind ENCODE test sets: networks and baselines ({datetime.date.today().isoformat()})",
        "",
        f"- Command: `{command}`",
        f"- Machine: {machine()}",
        "- Protocol: train on `_AC` peaks + one dinucleotide shuffle each, select on a "
        "stratified 10% validation split, test once on `_B`. Test AUC (AUPRC in "
        "`results/deepbind_accuracy.csv`). A model capped to a random subset of the training "
        "set (`--max-train`) shows its training-set size in the second table. A bold row is "
        "the class's defaults; `+name` rows are variants (`--variant name k=v ...`), "
        "`+seedN` a rerun with `--seed N` (another validation split and initialisation). "
        "Mean and median over the sets a row has (\"n of 10\" when fewer). "
        "\"vs k-mer\": the mean's gap to the k-mer baseline over the same sets, and the sets "
        "where the row is more than 0.01 below it.",
        "",
        "| model | " + " | ".join(short) + " | mean | median | vs k-mer |",
        "|---" * (len(datasets) + 4) + "|",
        "| DeepBind (published) | " + " | ".join(f"{DEEPBIND_ENCODE[n][2]:.3f}" for n in datasets)
        + f" | {np.mean([DEEPBIND_ENCODE[n][2] for n in datasets]):.3f}"
        + f" | {np.median([DEEPBIND_ENCODE[n][2] for n in datasets]):.3f} | |",
    ]
    for m in models:
        covered = [n for n in datasets if (n, m) in cell]
        auc = np.array([cell[n, m]["test_auc"] for n in covered])
        scope = "" if len(covered) == len(datasets) else f" ({len(covered)} of {len(datasets)})"
        against = [n for n in covered if (n, kmer) in cell]
        gap = ""
        if against and m != kmer:
            mine = np.array([cell[n, m]["test_auc"] for n in against])
            theirs = np.array([cell[n, kmer]["test_auc"] for n in against])
            below = [factor_name(n) for n, a, b in zip(against, mine, theirs) if a < b - 0.01]
            gap = f"{np.mean(mine - theirs):+.3f}" + (f"; below: {', '.join(below)}" if below else "")
        name = f"**{m}**" if is_defaults(m) else m
        lines.append(f"| {name} | " + " | ".join(
            f"{cell[n, m]['test_auc']:.3f}" if (n, m) in cell else "" for n in datasets)
            + f" | **{auc.mean():.3f}**{scope} | {np.median(auc):.3f} | {gap} |")
    lines += ["", "Train seconds (training sequences; torch threads, where recorded) per cell, "
              "and a variant's median ratio to its class defaults' (flagged above 1.5x). Cells "
              "that ran beside other jobs are not speed figures: see the speed benchmark.", "",
              "| model | " + " | ".join(short) + " | against the defaults |",
              "|---" * (len(datasets) + 2) + "|"]
    for m in models:
        lines.append(f"| {m} | " + " | ".join(
            f"{cell[n, m]['train_s']:.0f} ({cell[n, m].get('n_train', '?')}"
            + (f"; {cell[n, m]['torch_threads']} thr" if "torch_threads" in cell[n, m] else "")
            + ")" if (n, m) in cell else "" for n in datasets)
            + f" | {_time_ratio(cell, datasets, m)} |")
    lines += ["", "Each row's options of `python benchmarks/deepbind_accuracy.py`, as its cells "
              "ran (`--n-jobs`/`--threads` as the seconds above say); where a default has "
              "changed since, the cells' note says so and gives today's options:", ""]
    lines += row_commands(models, datasets, cell)
    lines += ["", f"![AUC vs DeepBind]({figure})", ""]
    return "\n".join(lines)


def _time_ratio(cell: dict, datasets: list[str], model: str) -> str:
    """A variant's train seconds over those of what it varies (its class
    defaults, or the variant its name extends), median over the sets both
    have with the same torch threads, flagged above 1.5x (cells that ran
    beside other jobs make it a rough figure)."""
    if is_defaults(model):
        return "1.0x"
    base = model.rsplit("+", 1)[0]  # "M+demo+rc" against "M+demo", "M+v" against "M"
    if not any(key[1] == base for key in cell):
        base = model.split("+")[0]
    pairs = [(cell[n, model], cell[n, base]) for n in datasets
             if (n, model) in cell and (n, base) in cell]
    ratios = [mine["train_s"] / theirs["train_s"] for mine, theirs in pairs
              if mine.get("torch_threads") == theirs.get("torch_threads")]
    if not ratios:
        return "n/a (threads differ)" if pairs else ""
    ratio = float(np.median(ratios))
    return f"{ratio:.1f}x" + (" **(>1.5x)**" if ratio > 1.5 else "")


def _parse_params(pairs: list[str]) -> dict:
    """``key=value`` strings to a dict; values are read as JSON where they parse."""
    params = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            params[key] = json.loads(value.lower() if value in ("True", "False") else value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def main(argv: list[str] | None = None) -> list[dict]:
    parser = benchmark_parser(__doc__, data=True)
    parser.add_argument("--datasets", nargs="+", default=list(DEEPBIND_ENCODE))
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--variant", nargs="*", default=[],
                        help="NAME key=value ...: a labelled variant with parameters changed")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--backend", default="loky", choices=["loky", "dask", "ray"])
    parser.add_argument("--scheduler", help="address of a running Dask scheduler")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-train-gkm", type=int, default=4000,
                        help="training sequences for gkm-SVM (its kernel is quadratic)")
    parser.add_argument("--max-train", nargs="*", default=[], metavar="MODEL=N",
                        help="a random subset of at most N training sequences for MODEL "
                             "(e.g. rnn=4000), for CPU budgets; recorded in each cell")
    parser.add_argument("--cache-dir", default=HERE / "results" / "cells", type=Path)
    parser.add_argument("--report-only", action="store_true",
                        help="run nothing: rewrite the CSV, figure and table from cached cells")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads per cell (default: CPU cores / n-jobs)")
    args = parser.parse_args(argv)
    variant, params = (args.variant[0], _parse_params(args.variant[1:])) if args.variant else ("", {})
    settings = {"seed": args.seed, "mirror": str(args.mirror), "data_home": args.data_home,
                "cache_dir": str(args.cache_dir),
                "max_train": {"gkm": args.max_train_gkm,
                              **{k: int(v) for k, v in _parse_params(args.max_train).items()}},
                "threads": args.threads or max(1, (os.cpu_count() or 1) // max(1, args.n_jobs))}
    datasets = [_full_name(d) for d in args.datasets]
    rows = [] if args.report_only else run(datasets, args.models, variant, params, settings,
                                           args.backend, args.n_jobs, args.scheduler)
    args.out.mkdir(parents=True, exist_ok=True)
    all_rows = [json.loads(p.read_text()) for p in sorted(args.cache_dir.glob("*.json"))]
    with open(args.out / "deepbind_accuracy.csv", "w", newline="") as handle:
        fields = list(dict.fromkeys(key for row in all_rows for key in row))
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(all_rows)
    figure = args.out / "auc_vs_deepbind.png"
    plot(all_rows, figure)
    if not args.no_report:
        write_section("deepbind_accuracy",
                      markdown(all_rows, command_line("deepbind_accuracy.py", argv),
                               os.path.relpath(figure, HERE)), args.results)
    for row in rows:
        print(f"{row['dataset']:45s} {row['model']:22s} AUC {row['test_auc']:.3f} "
              f"(DeepBind {row['deepbind_auc']:.3f})")
    return rows


def _full_name(name: str) -> str:
    matches = [full for full in DEEPBIND_ENCODE if full == name or full.startswith(name)]
    if len(matches) != 1:
        raise SystemExit(f"unknown or ambiguous dataset {name!r}")
    return matches[0]


if __name__ == "__main__":
    main()
