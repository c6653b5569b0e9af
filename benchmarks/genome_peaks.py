"""Peaks on a genome against DeepBind's files: the same model, the same peaks.

No genome can be downloaded here, so each DeepBind ENCODE set's bound
sequences are laid into a pseudo-genome (:func:`sklearn_demo.genome.write_pseudo_genome`:
every training peak on chr1, every test peak on chr8, each between 400-bp
shuffled flanks of itself) with their coordinates as narrowPeak. A CNN-RNN reading both
strands (``reverse_complement=True``, the choice for ChIP-seq peaks) is trained

* from the DeepBind files (the package's protocol: ``_AC`` peaks and one
  dinucleotide shuffle each), and
* from BED + genome (:func:`sklearn_demo.genome.load_peak_dataset`) with each
  kind of negatives: dinucleotide shuffles, flanking windows, GC-matched
  windows of the genome, holding out chr8 (:class:`ChromosomeHoldout`),

and every model is scored on the same test set: the ``_B`` peaks and their
shuffles from the DeepBind file.

Usage::

    python benchmarks/genome_peaks.py [--datasets REST] [--max-train 6000] [--epochs 20]

Writes ``benchmarks/results/genome_peaks.json`` and a section of
``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from sklearn_demo import CNNRNNClassifier, fetch_deepbind_encode
from sklearn_demo.genome import ChromosomeHoldout, load_peak_dataset, write_pseudo_genome

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    ResultStore, benchmark_parser, command_line, markdown_table, section_head, write_section,
)

NEGATIVES = ("shuffle", "flank", "gc")


def run_dataset(name: str, args) -> list[dict]:
    data = fetch_deepbind_encode(name, mirror=args.mirror, data_home=args.data_home)
    bound = data.X_train[data.y_train == 1]
    if args.max_train and len(bound) > args.max_train // 2:
        bound = bound[np.random.RandomState(0).choice(len(bound), args.max_train // 2,
                                                      replace=False)]
    rows = []

    def score(source: str, X, y) -> None:
        start = time.perf_counter()
        model = CNNRNNClassifier(max_epochs=args.epochs, reverse_complement=True, random_state=0,
                                 verbose=0).fit(X, y)
        auc = roc_auc_score(data.y_test, model.predict_proba(data.X_test)[:, 1])
        rows.append({"dataset": data.name, "source": source, "n_train": len(X),
                     "test_auc": float(auc), "train_s": round(time.perf_counter() - start, 1)})
        print(rows[-1], flush=True)

    from sklearn_demo import dinucleotide_shuffle

    score("DeepBind files (peaks + shuffles)",
          np.r_[bound, dinucleotide_shuffle(bound, random_state=0)],
          np.r_[np.ones(len(bound), int), np.zeros(len(bound), int)])
    with tempfile.TemporaryDirectory() as folder:
        fasta, bed = Path(folder) / "pseudo.fa", Path(folder) / "peaks.narrowPeak"
        # Flanks of 400 bp leave room for flanking background windows (301 bp out).
        write_pseudo_genome({"chr1": bound, "chr8": data.X_test[data.y_test == 1]}, fasta, bed,
                            flank=400)
        for negatives in NEGATIVES:
            peaks = load_peak_dataset(bed, fasta, negatives=negatives, random_state=0)
            (train, _), = ChromosomeHoldout(["chr8"]).split(peaks.X, peaks.y, groups=peaks.chrom)
            score(f"BED + genome, {negatives} negatives, chr8 held out", peaks.X[train],
                  peaks.y[train])
    return rows


def markdown(rows: list[dict], command: str) -> str:
    lines = section_head(
        "Peaks on a genome vs DeepBind's files", command,
        "The DeepBind set's training peaks laid into chr1 and its test peaks into chr8 of a "
        "pseudo-genome (each peak between dinucleotide-shuffled flanks of itself); CNN-RNN "
        "reading both strands (`reverse_complement=True`); every model scored on the DeepBind "
        "`_B` test file (its peaks and their shuffles).")
    lines += markdown_table(
        ("dataset", "trained from", "training sequences", "test AUC", "train s"),
        ((r["dataset"], r["source"], r["n_train"], f"{r['test_auc']:.3f}", r["train_s"])
         for r in rows))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> list[dict]:
    parser = benchmark_parser(__doc__, data=True, epochs=20)
    parser.add_argument("--datasets", nargs="+", default=["REST"])
    parser.add_argument("--max-train", type=int, default=6000,
                        help="at most this many training sequences (half bound; CPU budget)")
    args = parser.parse_args(argv)
    rows = [row for name in args.datasets for row in run_dataset(name, args)]
    rows = ResultStore(args.out / "genome_peaks.json", key=("dataset", "source")).merge(rows)
    if not args.no_report:
        write_section("genome_peaks", markdown(rows, command_line("genome_peaks.py", argv)),
                      args.results)
    return rows


if __name__ == "__main__":
    main()
