"""The command line's multi-task side: several peak files (``--bed A B ...``
or ``--tracks``) become one label matrix; ``train`` fits one network on
windows streamed from the genome, ``explain`` writes a report per task."""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from .genome import TaskWindows, read_tracks, task_windows
from .metrics import task_scores
from .persistence import save_model
from .provenance import command_line, provenance, write_provenance


def add_task_options(parser: argparse.ArgumentParser, source) -> None:
    """The options of several peak files, one task each; ``--tracks`` joins
    the ``source`` group (one of --data, --dataset, --bed, --tracks)."""
    source.add_argument("--tracks", metavar="TSV",
                        help="one task per line: name<TAB>peak file, on --genome")
    tasks = parser.add_argument_group("several peak files, one task each (--bed A B .., "
                                      "--tracks)")
    tasks.add_argument("--bin-size", type=int, default=200,
                       help="a bin is bound for a task when half of it is covered by its "
                            "peaks (DeepSEA's rule; default 200); --width (default 1000, or "
                            "the model's) bases around it are read; --negatives gc draws "
                            "GC-matched background bins, else random ones")
    tasks.add_argument("--blacklist", metavar="BED", help="regions no window may touch")


def add_task_training_options(train: argparse.ArgumentParser) -> None:
    """The ``train`` command's options for several tasks."""
    train.add_argument("--class-weight", choices=("balanced",),
                       help="weigh each task's positives by its negatives over its positives "
                            "(rare tasks; default: every label the same)")
    train.add_argument("--workers", type=int, default=0,
                       help="several peak files: processes reading windows from the genome "
                            "(default 0: the training process)")


def task_data(args: argparse.Namespace, width: int | None, log) -> TaskWindows:
    """The windows of ``--bed A B ...`` or ``--tracks`` on ``--genome``."""
    if not args.genome:
        raise ValueError("several peak files need --genome FASTA")
    names, paths = read_tracks(args.tracks) if args.tracks else (None, args.bed)
    windows = task_windows(paths, args.genome, tasks=names, bin_size=args.bin_size,
                           width=width or args.width or 1000, blacklist=args.blacklist,
                           background="gc" if args.negatives == "gc" else "random",
                           random_state=args.seed)
    log(f"bins touching a peak: {windows.report}; {windows.n_background} background bins; "
        f"{len(windows)} windows x {len(windows.tasks)} tasks ({', '.join(windows.tasks)})")
    return windows


def _split(windows: TaskWindows, args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray]:
    test = np.isin(windows.chrom, args.test_chromosomes)
    if test.all():
        raise ValueError(f"every window lies on the test chromosomes {args.test_chromosomes}")
    return np.flatnonzero(~test), np.flatnonzero(test)


def train_tasks(args: argparse.Namespace, clf, *, log) -> None:
    """Fit ``clf`` on every window off the test chromosomes, streamed from
    the genome, save it, and print each task's test AUC and AUPRC."""
    windows = task_data(args, None, log)
    train, test = _split(windows, args)
    clf.set_params(iterator_train__num_workers=args.workers)
    clf.fit(windows.dataset(train), None)
    save_model(clf, args.out)
    write_provenance(Path(str(args.out) + ".provenance.json"), args)
    log(f"saved {type(clf).__name__} trained on {len(train)} windows to {args.out}")
    if len(test):
        proba = clf.predict_proba(windows.dataset(test))
        log(f"test chromosomes {' '.join(args.test_chromosomes)} ({len(test)} windows):")
        log("task\tpositives\tAUC\tAUPRC")
        for row in task_scores(windows.labels[test], proba, windows.tasks):
            log(f"{row['task']}\t{row['positives']}\t{row['auc']:.3f}\t{row['auprc']:.3f}")


def explain_tasks(args: argparse.Namespace, model, *, log) -> Path:
    """The per-task report of a saved multi-task network on the windows of
    its peak files, up to ``--n-samples`` training and test windows."""
    from .dashboard.tasks import build_task_dashboards

    windows = task_data(args, getattr(model, "input_width_", None), log)
    if list(windows.tasks) != [str(t) for t in model.tasks_]:
        raise ValueError(f"the peak files name tasks {windows.tasks}, but the model was "
                         f"trained on {list(model.tasks_)}; give them in that order")
    train, test = _split(windows, args)
    if not len(test):
        raise ValueError(f"no window lies on the test chromosomes {args.test_chromosomes}")
    rng = np.random.RandomState(args.seed)
    train = np.sort(rng.permutation(train)[:args.n_samples])
    test = np.sort(rng.permutation(test)[:args.n_samples])
    return build_task_dashboards(
        model, windows.sequences(train), windows.labels[train].astype(float),
        windows.sequences(test), windows.labels[test].astype(float), out=args.out,
        name=Path(args.tracks).stem if args.tracks else "peaks", device=args.device,
        seed=args.seed, class_iterations=args.class_iterations,
        site_auroc_sequences=args.site_auroc_sequences or None, command=command_line(args),
        discover_motifs=args.discover_motifs, provenance=provenance(args),
        verbose=0 if args.quiet else 1, log=log)
