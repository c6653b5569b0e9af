"""Multi-task networks: one model for many peak sets against one model per
set, each task's explanations against planted truth, and training that
streams windows from a genome in flat memory.

Three parts, each its own section of RESULTS.md:

* ``planted``: the multi-task planted set (CTCF, GABPA, and a task bound
  only where both are); per-task test AUC and the attribution AUROC of each
  task's own sites (expected gradients, the dashboard's method).
* ``encode``: a pseudo-genome laid out of the ten shared ENCODE sets' peaks
  (each set a task; train peaks on chr1, test peaks on chr8, between
  dinucleotide shuffles of themselves), windows labelled by
  ``task_windows``; one multi-task CNN-RNN against one single-task CNN-RNN
  per task, trained on the same windows: per-task test AUC and train time.
* ``streaming``: peak RSS and windows/s of one epoch over 10^4, 10^5 and
  10^6 windows of 1,000 bp streamed from a genome (``GenomeWindowDataset``,
  one loader worker), each size in a fresh process.

    python benchmarks/multitask.py planted
    python benchmarks/multitask.py encode --peaks 300 --test-peaks 200 --epochs 20 \\
        --variant defaults --variant h128 hidden_size=128
    python benchmarks/multitask.py streaming
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    ResultStore, benchmark_parser, command_line, factor_name, markdown_table, section_head,
    write_section,
)

PLANTED_TASKS = ("MA0139", "MA0062", "MA0139+MA0062")


def _fmt(x: float) -> str:
    return "n/a" if np.isnan(x) else f"{x:.3f}"


# ------------------------------------------------------------------ planted
def run_planted(args) -> str:
    from sklearn.frozen import FrozenEstimator

    from sklearn_demo import CNNClassifier, CNNRNNClassifier, SaliencyExplainer
    from sklearn_demo import make_motif_dataset
    from sklearn_demo.explain.ground_truth import position_importance, site_auroc
    from sklearn_demo.metrics import task_scores

    data = make_motif_dataset(args.n, tasks=PLANTED_TASKS, random_state=0)
    n_train = int(0.9 * args.n)
    test = np.arange(n_train, args.n)
    rows = []
    for name, model in (("CNN", CNNClassifier(reverse_complement=True)),
                        ("CNN-RNN", CNNRNNClassifier())):
        model.set_params(max_epochs=args.epochs, verbose=0, random_state=0,
                         task_names=data.tasks)
        start = time.perf_counter()
        model.fit(data.X[:n_train], data.y[:n_train])
        seconds = time.perf_counter() - start
        scores = task_scores(data.y[test], model.predict_proba(data.X[test]), data.tasks)
        for column, score in enumerate(scores):
            bound = test[data.y[test, column] == 1][:args.explained]
            explainer = SaliencyExplainer(FrozenEstimator(model), method="expected_gradients",
                                          n_samples=100, target=column).fit(data.X[:1])
            importance = position_importance(explainer.transform(data.X[bound]),
                                             "expected_gradients")
            score.update(model=name, seconds=seconds, epochs=len(model.history),
                         site_auroc=site_auroc(importance, data.task_mask[bound, column]),
                         explained=len(bound))
            rows.append(score)
            print(f"{name:8s} {score['task']:11s} AUC {score['auc']:.3f} "
                  f"site AUROC {score['site_auroc']:.3f}", flush=True)
    lines = section_head(
        "Multi-task planted set: each task's maps find its own motif",
        command_line("multitask.py", args.argv),
        f"`make_motif_dataset({args.n}, tasks={PLANTED_TASKS})`: each motif planted in a "
        "sequence with probability 0.5, independently; the third task is bound only where "
        f"both are. {n_train} sequences train, {args.n - n_train} test; the CNN reads both "
        "strands (`reverse_complement=True`), the CNN-RNN has its defaults. Site AUROC: expected "
        f"gradients of each task (`target=`) on up to {args.explained} test sequences bound "
        "for it, its own motif's positions against all others (the other motif's sites "
        "count as negatives).")
    lines += markdown_table(
        ("model", "task", "test AUC", "AUPRC", "site AUROC (own motif)", "epochs", "train s"),
        ((r["model"], r["task"], _fmt(r["auc"]), _fmt(r["auprc"]), _fmt(r["site_auroc"]),
          r["epochs"], f"{r['seconds']:.0f}") for r in rows))
    return "\n".join(lines)


# ------------------------------------------------------------------- encode
def encode_genome(folder: Path, args) -> tuple[list[str], list[Path], Path]:
    """The ten sets' peaks laid into chr1 (train) and chr8 (test); one BED per set."""
    from sklearn_demo import fetch_deepbind_encode
    from sklearn_demo.datasets import DEEPBIND_ENCODE
    from sklearn_demo.genome import write_pseudo_genome

    rng = np.random.RandomState(0)
    names, per_chrom = [], {"chr1": [], "chr8": []}
    for name in DEEPBIND_ENCODE:
        data = fetch_deepbind_encode(name, mirror=args.mirror, data_home=args.data_home,
                                     shuffled_negatives=False)
        names.append(factor_name(name))
        for chrom, X, y, n in (("chr1", data.X_train, data.y_train, args.peaks),
                               ("chr8", data.X_test, data.y_test, args.test_peaks)):
            bound = X[np.asarray(y) == 1]
            chosen = bound[rng.permutation(len(bound))[:n]]
            per_chrom[chrom] += [(len(names) - 1, s) for s in chosen]
    for chrom in per_chrom:
        order = rng.permutation(len(per_chrom[chrom]))
        per_chrom[chrom] = [per_chrom[chrom][i] for i in order]
    fasta, bed = folder / "genome.fa", folder / "all.narrowPeak"
    write_pseudo_genome({c: [s for _, s in peaks] for c, peaks in per_chrom.items()}, fasta,
                        bed, flank=args.flank, random_state=0)
    lines = bed.read_text().splitlines()
    owners = [task for peaks in per_chrom.values() for task, _ in peaks]
    beds = []
    for task, name in enumerate(names):
        path = folder / f"{name}.bed"
        path.write_text("".join(line + "\n" for line, o in zip(lines, owners) if o == task))
        beds.append(path)
    return names, beds, fasta


def _parse_params(pairs: list[str]) -> dict:
    """``key=value`` strings as estimator parameters (numbers and None read as such)."""
    params = {}
    for pair in pairs:
        key, _, text = pair.partition("=")
        try:
            params[key] = json.loads(text)
        except json.JSONDecodeError:
            params[key] = None if text == "None" else text
    return params


def run_encode(args) -> str:
    from sklearn_demo import CNNRNNClassifier
    from sklearn_demo.genome import task_windows
    from sklearn_demo.metrics import task_scores

    with tempfile.TemporaryDirectory() as tmp:
        names, beds, fasta = encode_genome(Path(tmp), args)
        windows = task_windows(beds, fasta, tasks=names, bin_size=args.bin_size,
                               width=args.width, random_state=0)
        print(f"windows: {windows.report}; {windows.n_background} background; "
              f"{len(windows)} x {len(names)} tasks", flush=True)
        train, test = windows.chrom == "chr1", windows.chrom == "chr8"
        X_train, X_test = windows.sequences(train), windows.sequences(test)
    y_train, y_test = windows.labels[train], windows.labels[test]
    store = ResultStore(args.out / "multitask_encode.json", key=("model", "task"))

    def fit(label: str, params: dict, columns: list[int]) -> None:
        start = time.perf_counter()
        model = CNNRNNClassifier(max_epochs=args.epochs, verbose=0, random_state=0, **params)
        y = y_train[:, columns[0]] if len(columns) == 1 else y_train
        model.fit(X_train, y)
        seconds = time.perf_counter() - start
        proba = model.predict_proba(X_test)
        if not model.is_multitask:
            proba = proba[:, 1:]  # p(bound), as a one-task matrix
        rows = task_scores(y_test[:, columns], proba, [names[c] for c in columns])
        store.merge({**row, "model": label, "seconds": seconds, "epochs": len(model.history),
                     "command": command_line("multitask.py", args.argv)} for row in rows)
        print(f"{label} {' '.join(names[c] for c in columns)}: {seconds:.0f} s, "
              f"{len(model.history)} epochs, AUC "
              + " ".join(f"{row['auc']:.3f}" for row in rows), flush=True)

    for variant in [] if args.skip_multi else args.variant or [["defaults"]]:
        label = "multi" if variant[0] == "defaults" else f"multi+{variant[0]}"
        fit(label, _parse_params(variant[1:]), list(range(len(names))))
    if not args.skip_single:
        name, *pairs = args.single_variant or ["defaults"]
        for column in range(len(names)):
            fit("single" if name == "defaults" else f"single+{name}", _parse_params(pairs),
                [column])
    return encode_markdown(store.rows(), names, args, windows, int(train.sum()),
                           int(test.sum()))


def encode_markdown(rows: list[dict], names: list[str], args, windows, n_train: int,
                    n_test: int) -> str:
    by = {(row["model"], row["task"]): row for row in rows}
    models = sorted({row["model"] for row in rows},
                    key=lambda m: (not m.startswith("single"), "+" in m, m))
    commands = list(dict.fromkeys(row["command"] for row in rows))
    lines = section_head(
        "Multi-task CNN-RNN on the ten ENCODE sets' peaks against ten single-task ones",
        "; ".join(commands),
        "Each run's rows are kept in `benchmarks/results/multitask_encode.json`; the tables "
        "join the runs of the commands above, on the same windows.",
        f"Pseudo-genome: {args.peaks} training peaks per set on chr1 and {args.test_peaks} "
        f"test peaks per set on chr8 (DeepBind's own train and test files), each between "
        f"{args.flank}-bp dinucleotide shuffles of itself. `task_windows(bin_size="
        f"{args.bin_size}, width={args.width})`: {n_train} training and {n_test} test "
        f"windows (bins touching a peak: {windows.report}; {windows.n_background} background "
        "bins); a window is bound for a set when half its central bin is that set's peak, "
        "and background bins (shuffles) are all-zero rows. The same windows train the "
        "multi-task models and the ten single-task models per row (CNN-RNN defaults, up to "
        f"{args.epochs} epochs, early stopping); `+NAME` changes the parameters the command "
        "names (`balanced`: `class_weight='balanced'`; `h128`: `hidden_size=128`).")

    def mean_auc(model: str) -> float:
        return float(np.nanmean([by[(model, n)]["auc"] for n in names if (model, n) in by]))

    table = [[name, next((by[(m, name)]["positives"] for m in models if (m, name) in by), "")]
             + [_fmt(by[(m, name)]["auc"]) if (m, name) in by else "" for m in models]
             for name in names]
    table.append(["**mean**", ""] + [f"**{_fmt(mean_auc(m))}**" for m in models])
    lines += markdown_table(["task", "test positives"] + [f"{m} AUC" for m in models], table)

    def seconds(model: str) -> float:
        runs = [by[(model, n)] for n in names if (model, n) in by]
        return runs[0]["seconds"] if model.startswith("multi") else sum(r["seconds"] for r in runs)

    pairs = []
    for multi in (m for m in models if m.startswith("multi")):
        single = "single" + multi[len("multi"):]
        for partner in dict.fromkeys([single, "single"]):
            if all((partner, n) in by for n in names) and all((multi, n) in by for n in names):
                gaps = [by[(multi, n)]["auc"] - by[(partner, n)]["auc"] for n in names]
                pairs.append((multi, partner, f"{np.mean(gaps):+.3f}",
                              sum(g < -0.01 for g in gaps), f"{seconds(multi):.0f}",
                              f"{seconds(partner):.0f}",
                              f"{seconds(partner) / seconds(multi):.1f}x"))
    if pairs:
        lines += [""] + markdown_table(
            ("one multi-task model", "against ten", "mean AUC difference",
             "tasks more than 0.01 below", "train s (one)", "train s (ten)", "time saved"),
            pairs)
    return "\n".join(lines)


# ---------------------------------------------------------------- streaming
CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import numpy as np
    from sklearn_demo import CNNClassifier
    from sklearn_demo.genome import GenomeWindowDataset

    fasta, n, size, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    before = rss()
    rng = np.random.RandomState(0)
    starts = rng.randint(0, size - 1000, n)
    labels = rng.randint(0, 2, (n, 10)).astype(np.uint8)
    data = GenomeWindowDataset(fasta, np.full(n, "chr1"), starts, labels, width=1000)
    clf = CNNClassifier(n_filters=16, filter_widths=(9,), max_epochs=1, batch_size=256,
                        validation_fraction=0, verbose=0, random_state=0,
                        iterator_train__num_workers=workers)
    start = time.perf_counter()
    clf.fit(data, None)
    seconds = time.perf_counter() - start
    print(json.dumps({"n": n, "seconds": seconds, "rss_before_mb": before, "peak_rss_mb": rss()}))
""")


def run_streaming(args) -> str:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        fasta = Path(tmp) / "genome.fa"
        rng = np.random.RandomState(0)
        letters = np.frombuffer(b"ACGT", dtype=np.uint8)
        with open(fasta, "w") as out:
            out.write(">chr1\n")
            for _ in range(args.genome_mb):
                block = letters[rng.randint(0, 4, 1_000_000)].tobytes().decode()
                out.writelines(block[i:i + 100] + "\n" for i in range(0, len(block), 100))
        from sklearn_demo.genome import open_genome
        open_genome(fasta)  # index once, outside the measured processes
        for n in args.sizes:
            result = subprocess.run(
                [sys.executable, "-c", CHILD, str(fasta), str(n), str(args.genome_mb * 10**6),
                 str(args.workers)], capture_output=True, text=True)
            if result.returncode:
                raise SystemExit(f"streaming {n} failed:\n{result.stderr[-2000:]}")
            row = json.loads(result.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(f"{n:>9,} windows: {n / row['seconds']:,.0f} windows/s, peak RSS "
                  f"{row['peak_rss_mb']:,.0f} MB", flush=True)
    lines = section_head(
        "Training that streams windows from a genome",
        command_line("multitask.py", args.argv),
        f"One epoch of a small CNN (16 filters of width 9, 10 tasks, batches of 256) over n "
        f"windows of 1,000 bp at random places of a {args.genome_mb} Mb random genome, read "
        f"by `GenomeWindowDataset` with {args.workers} loader worker(s); each size in a "
        "fresh process. Peak RSS: the training process's maximum resident memory (the "
        "loader worker's, a process of its own, is not counted).")
    lines += markdown_table(
        ("windows", "windows/s", "peak RSS (MB)", "in memory as one-hot float32 (MB)"),
        ((f"{r['n']:,}", f"{r['n'] / r['seconds']:,.0f}", f"{r['peak_rss_mb']:,.0f}",
          f"{r['n'] * 4 * 1000 * 4 / 2**20:,.0f}") for r in rows))
    return "\n".join(lines)


PARTS = {"planted": ("multitask-planted", run_planted),
         "encode": ("multitask-encode", run_encode),
         "streaming": ("multitask-streaming", run_streaming)}


def main(argv: list[str] | None = None) -> None:
    parser = benchmark_parser(__doc__, data=True, epochs=30)
    parser.add_argument("part", choices=list(PARTS))
    parser.add_argument("--n", type=int, default=6000, help="planted: sequences")
    parser.add_argument("--explained", type=int, default=100,
                        help="planted: bound test sequences explained per task")
    parser.add_argument("--peaks", type=int, default=600, help="encode: training peaks per set")
    parser.add_argument("--test-peaks", type=int, default=300,
                        help="encode: test peaks per set")
    parser.add_argument("--flank", type=int, default=400, help="encode: shuffle around peaks")
    parser.add_argument("--bin-size", type=int, default=100, help="encode: bin size")
    parser.add_argument("--width", type=int, default=201, help="encode: window width")
    parser.add_argument("--variant", nargs="+", action="append", metavar="NAME KEY=VALUE",
                        help="encode: a multi-task model with these parameters (repeat; "
                             "'defaults' is the defaults' row)")
    parser.add_argument("--skip-single", action="store_true",
                        help="encode: reuse the stored single-task rows")
    parser.add_argument("--single-variant", nargs="+", metavar="NAME KEY=VALUE",
                        help="encode: the single-task models with these parameters")
    parser.add_argument("--skip-multi", action="store_true",
                        help="encode: reuse the stored multi-task rows")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6],
                        help="streaming: windows per run")
    parser.add_argument("--genome-mb", type=int, default=20, help="streaming: genome size")
    parser.add_argument("--workers", type=int, default=1, help="streaming: loader workers")
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    key, run = PARTS[args.part]
    text = run(args)
    print(text)
    if not args.no_report:
        write_section(key, text, args.results)


if __name__ == "__main__":
    main()
