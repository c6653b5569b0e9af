"""The ``sklearn-demo`` command line's arguments: one parser per command
(:func:`build_parser`), and the flags of ``train`` that set a network
parameter (:data:`TRAIN_PARAMETERS`). The commands themselves are in
:mod:`sklearn_demo.cli`."""
from __future__ import annotations

import argparse

from .cli_tasks import add_task_options, add_task_training_options
from .dashboard.explanations import SITE_AUROC_SEQUENCES
from .datasets import GRAMMARS
from .encoding import PADDING_MODES
from .precision import PRECISIONS
from .variant_windows import WINDOW_RULES


#: ``train``'s flags (their ``args`` names) that set a network parameter, and
#: that parameter: given, they are passed; not given, the class's default holds.
TRAIN_PARAMETERS = {
    "epochs": "max_epochs", "lr": "lr", "lstm_timescale": "lstm_timescale",
    "batch_size": "batch_size", "padding": "padding", "reverse_complement": "reverse_complement",
    "max_shift": "max_shift", "device": "device", "precision": "precision",
    "class_weight": "class_weight", "positive": "pos_label",
}


def _add_data_options(parser: argparse.ArgumentParser, *, required: bool = False,
                      multitask: bool = False) -> None:
    source = parser.add_mutually_exclusive_group(required=required)
    source.add_argument("--data", nargs="+", metavar="FILE",
                        help="a DeepBind .seq(.gz) training/test pair, FASTA positives "
                             "[and negatives; shuffled otherwise], or a sequence<TAB>label TSV")
    source.add_argument("--dataset", help="a DeepBind ENCODE dataset name (or unique prefix)")
    source.add_argument("--bed", metavar="PEAKS", nargs="+",
                        help="ChIP-seq peaks (BED or narrowPeak, plain or gzip) on --genome; "
                             "with several files (train), one task per file")
    parser.add_argument("--data-home", help="cache folder for fetched datasets")
    parser.add_argument("--mirror", help="offline mirror folder of the DeepBind files")
    genome = parser.add_argument_group("peaks on a genome (--bed)")
    genome.add_argument("--genome", metavar="FASTA",
                        help="reference genome FASTA (indexed with a .fai beside it)")
    genome.add_argument("--width", type=int,
                        help="with --bed: the window around each summit (default 101, DeMo's); "
                             "with FASTA or other files: centre-crop or N-pad every sequence to "
                             "this width (mixed-length input such as bedtools getfasta output)")
    genome.add_argument("--negatives", choices=("shuffle", "flank", "gc"), default="shuffle",
                        help="unbound windows: dinucleotide shuffles of the peaks (default), "
                             "flanking windows, or GC-matched random windows of the genome")
    genome.add_argument("--test-chromosomes", nargs="+", default=["chr8", "chr9"],
                        metavar="CHROM", help="held out as the test set (default chr8 chr9)")
    if multitask:
        add_task_options(parser, source)


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n-samples", type=int, default=3000,
                        help="size of the embedded planted-motif dataset (default 3000)")
    parser.add_argument("--grammar", choices=GRAMMARS,
                        help="embedded data whose label is the order of the two planted "
                             "motifs (pure: every sequence has both; mixed: some negatives "
                             "have one); adds the motif-dependencies panel")
    parser.add_argument("--class-iterations", type=int, default=1000,
                        help="gradient steps of class optimisation (default 1000)")
    parser.add_argument("--site-auroc-sequences", type=int, default=SITE_AUROC_SEQUENCES,
                        metavar="N",
                        help="planted data: score every attribution method's AUROC for the "
                             "planted sites on a random N of the test positives (0: all; "
                             "default 100)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of data splits, training and explanations (default 0)")
    parser.add_argument("-o", "--out", default="results", help="report folder (default results)")
    parser.add_argument("--discover-motifs", action="store_true",
                        help="also run TF-MoDISco on each network's attributions (slow)")
    parser.add_argument("--n-jobs", type=int, metavar="N",
                        help="train and explain N models at once, each in a process of its "
                             "own (-1: one per core; default: one after the other, showing "
                             "each epoch)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")


#: Help of --lstm-timescale, an option of train and dashboard.
POSITIVE_HELP = ("the positive (bound) class among the data's two labels (default: the "
                 "obvious one of bound/unbound, positive/negative, yes/no, true/false, 1/0; "
                 "any other pair must be named)")


LSTM_TIMESCALE_HELP = ("chrono initialisation of the recurrent networks' LSTM gates: memories "
                       "of up to T bases, for labels that depend on motifs tens of bases apart "
                       "(e.g. 100; default: torch's initialisation)")


def _add_train_parser(sub) -> None:
    train = sub.add_parser("train", help="fit one architecture and save it")
    _add_data_options(train, required=True, multitask=True)
    add_task_training_options(train)
    train.add_argument("--model", default="cnnrnn", help="cnn, rnn or cnnrnn (default cnnrnn)")
    # every flag that mirrors a parameter defaults to None: a flag not given is
    # not passed, so the network keeps its class's default (TRAIN_PARAMETERS)
    train.add_argument("--epochs", type=int, help="maximum epochs (default: the model's, 50)")
    train.add_argument("--lr", type=float, help="learning rate (default: the model's)")
    train.add_argument("--lstm-timescale", type=float, metavar="T", help=LSTM_TIMESCALE_HELP)
    train.add_argument("--batch-size", type=int, help="training batch size (default: the model's)")
    train.add_argument("--padding", choices=PADDING_MODES,
                       help="sequences of different lengths: error, or pad on the right or "
                            "both sides (default: the model's, error); a saved model pads the "
                            "same way")
    strands = train.add_mutually_exclusive_group()
    strands.add_argument("--one-strand", dest="reverse_complement", action="store_const",
                         const=False, help="train and predict on the given strand only "
                                           "(default: the model's; the CNN reads both strands)")
    strands.add_argument("--reverse-complement", dest="reverse_complement",
                         action="store_const", const=True,
                         help="train on both strands and average them at prediction")
    train.add_argument("--no-shift", dest="max_shift", action="store_const", const=0,
                       help="no random shifts of training sequences (default: the model's; "
                            "the CNN-RNN shifts by up to 3 bases)")
    train.add_argument("--device", help="cpu or cuda (default: the model's, cpu)")
    train.add_argument("--positive", metavar="LABEL", help=POSITIVE_HELP)
    train.add_argument("--precision", choices=PRECISIONS,
                       help="bfloat16: mixed precision, for GPUs with bfloat16 tensor cores "
                            "(default: the model's, float32)")
    train.add_argument("--seed", type=int, default=0, help="seed of training (default 0)")
    train.add_argument("-o", "--out", required=True, help="model file to write")
    train.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _add_predict_parser(sub) -> None:
    predict = sub.add_parser("predict", help="score a FASTA file with a saved model")
    predict.add_argument("--model", required=True, help="a file written by train")
    source = predict.add_mutually_exclusive_group(required=True)
    source.add_argument("--input", help="FASTA file (plain or gzip); - reads standard input")
    source.add_argument("--bed", metavar="PEAKS",
                        help="intervals (BED or narrowPeak) on --genome: writes a bedGraph of "
                             "p(bound) for the window around each summit")
    predict.add_argument("--genome", metavar="FASTA", help="reference genome FASTA, with --bed")
    predict.add_argument("--width", type=int,
                         help="with --bed: the window around each summit (default: the width the "
                              "model was trained on); with "
                              "--input: centre-crop or N-pad every record to this width")
    predict.add_argument("--attributions", metavar="FILE",
                         help="with --bed, also write per-base attributions (expected gradients "
                              "of the log-odds): .npz with coordinates, or .bw (bigWig)")
    predict.add_argument("-o", "--out", required=True,
                         help="TSV of name, probability and logit; - writes standard output")
    predict.add_argument("--batch-size", type=int, default=10_000,
                         help="sequences per batch; memory grows with it (default 10000)")
    predict.add_argument("--padding", choices=PADDING_MODES,
                         help="score records of different lengths by padding them on the "
                              "right or both sides (default: the model's own setting)")
    predict.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    predict.add_argument("--quiet", action="store_true", help="print nothing but errors")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="sklearn-demo",
        description="Train and compare DeMo's CNN, RNN and CNN-RNN on DNA sequences.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error instead of one line")
    sub = parser.add_subparsers(dest="command", required=True)
    dashboard = sub.add_parser(
        "dashboard", help="train, explain and write the HTML report (default: planted motifs)")
    _add_data_options(dashboard)
    dashboard.add_argument("--models", default="cnn,rnn,cnnrnn",
                           help="comma-separated subset of cnn,rnn,cnnrnn")
    dashboard.add_argument("--baselines", action="store_true",
                           help="also train the k-mer and gkm-SVM baselines")
    dashboard.add_argument("--max-train-gkm", type=int, default=4000, metavar="N",
                           help="train gkm-SVM on a stratified random N of the training "
                                "sequences (its kernel is quadratic; 0: all; default 4000)")
    dashboard.add_argument("--epochs", type=int, default=20,
                           help="the report's training budget: maximum epochs of each network "
                                "(default 20, not the classes' 50, so that a report is ready in "
                                "minutes; early stopping still applies)")
    dashboard.add_argument("--positive", metavar="LABEL", help=POSITIVE_HELP)
    dashboard.add_argument("--lstm-timescale", type=float, metavar="T",
                           help=LSTM_TIMESCALE_HELP)
    _add_report_options(dashboard)

    explain = sub.add_parser("explain", help="the report for models saved by train/dashboard")
    explain.add_argument("--model", action="append", required=True, metavar="FILE",
                         help="a saved model (repeat for several)")
    _add_data_options(explain, multitask=True)
    _add_report_options(explain)

    _add_train_parser(sub)
    _add_predict_parser(sub)
    _add_variants_parser(sub)
    _add_serve_parser(sub)
    return parser


def _add_serve_parser(sub) -> None:
    serve = sub.add_parser("serve", help="explore any sequence with saved models in the "
                                         "browser (the interactive dashboard)")
    serve.add_argument("folder", nargs="?", metavar="OUT",
                       help="a folder written by `sklearn-demo dashboard --out OUT`: its "
                            "saved models, test sequences and motifs")
    serve.add_argument("--model", action="append", metavar="FILE",
                       help="a saved model (repeat for several); named by the file's stem")
    serve.add_argument("--data", metavar="FILE",
                       help="sequences to list: FASTA, DeepBind .seq(.gz) or "
                            "sequence<TAB>label TSV")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1, this machine only)")
    serve.add_argument("--password-file", metavar="FILE",
                       help="ask every visitor for the password on this file's first line "
                            "(for a server bound beyond localhost, e.g. --host 0.0.0.0 on a lab "
                            "machine; without it, anyone who reaches the port can use the app)")
    serve.add_argument("--port", type=int, default=5006,
                       help="port (default 5006; 0 picks a free one)")
    serve.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")


def _add_variants_parser(sub) -> None:
    variants = sub.add_parser("variants", help="score the variants of a VCF (SNVs, MNVs, "
                                               "insertions, deletions) with a saved model")
    variants.add_argument("--model", required=True, help="a file written by train")
    variants.add_argument("--vcf", required=True,
                          help="VCF file: plain, gzip or bgzip (read by htslib, through pysam)")
    variants.add_argument("--region", metavar="CHROM:START-END",
                          help="only the records in this region (1-based, inclusive, e.g. "
                               "chr1:1-1000000); needs a bgzipped VCF with its .tbi or .csi index")
    variants.add_argument("--regions", metavar="BED",
                          help="only the records in these regions (a BED file); needs the index")
    variants.add_argument("--motifs", metavar="MEME",
                          help="a MEME file of motifs (e.g. a report's motifs.meme, named by "
                               "their JASPAR match): each allele's gained and lost FIMO hits "
                               "are written beside its scores")
    variants.add_argument("--motif-threshold", type=float, default=1e-4,
                          help="FIMO's largest p-value for a hit (default 1e-4)")
    variants.add_argument("--report", metavar="FOLDER",
                          help="also write a report there (index.html): every allele by status, "
                               "the alleles that change the log-odds most with their motifs, "
                               "and their attribution maps aligned across the allele")
    variants.add_argument("--report-top", type=int, default=10,
                          help="alleles listed in the report (default 10)")
    variants.add_argument("--pass-only", action="store_true",
                          help="score only records whose FILTER is PASS or '.'; the others are "
                               "written with status 'filtered'")
    variants.add_argument("--genome", required=True, metavar="FASTA",
                          help="the reference genome the VCF is called against")
    variants.add_argument("--width", type=int,
                          help="window around each variant (default: the width the model "
                               "was trained on)")
    variants.add_argument("--window", choices=WINDOW_RULES, default="left",
                          help="where the allele sits: 'left' (default) puts REF's first base "
                               "at width // 2 of both windows, the alternative window "
                               "continuing with the genome after REF; 'centred' centres REF "
                               "and ALT in their windows")
    variants.add_argument("-o", "--out", required=True, action="append",
                          help="output, by its extension (give -o several times for several): "
                               ".vcf.gz the input's records with the effects as INFO fields, "
                               "bgzipped and tabix-indexed (.vcf: plain); .parquet or a TSV: one "
                               "row per allele (chrom, pos, id, ref, alt, kind, status, p and "
                               "logit of both alleles and their differences)")
    variants.add_argument("--batch-size", type=int, default=10_000,
                          help="variants per batch; memory grows with it (default 10000)")
    variants.add_argument("--target", metavar="TASK",
                          help="a multi-task model's task (name or index), or 'all' for every "
                               "task at once (a column per task and effect)")
    variants.add_argument("--n-jobs", type=int,
                          help="batches scored in parallel processes (default: one, here)")
    variants.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    variants.add_argument("--quiet", action="store_true", help="print nothing but errors")
