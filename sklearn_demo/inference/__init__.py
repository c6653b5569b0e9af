"""One inference layer: every command and function that runs a model over a
stream of sequences and writes a file is a *source* x the *engine* x a
*writer*.

=========================  =======================================  ===========================
function                   source                                   writer
=========================  =======================================  ===========================
:func:`predict_fasta`      FASTA records (or standard input)        TSV (name, p, log-odds)
:func:`predict_peaks`      peak windows on a genome                 bedGraph
:func:`predict_tiles`      a genome's tiles                         bedGraph
:func:`explain_fasta`      FASTA records                            ``.npy`` memory map
:func:`explain_peaks`      peak windows on a genome                 ``.npz`` or bigWig
:func:`~sklearn_demo.variants.score_vcf`  VCF variants (ref/alt windows)  TSV or VCF (INFO)
=========================  =======================================  ===========================

The engine (:func:`~sklearn_demo.inference.engine.run_batches`) gives them
all one policy: batches of ``batch_size`` in bounded memory, a progress bar,
joblib's backends (``n_jobs``; Dask or Ray inside ``joblib.parallel_config``),
the bad record named by file, number and id, no partial output. The genome
commands cut windows of the width the model was trained on unless told
otherwise (:func:`~sklearn_demo.inference.engine.model_width`).
"""
from .engine import DEFAULT_WIDTH, SequenceTask, log_odds, model_width, run_batches
from .explain import explain_fasta, explain_peaks
from .predict import predict_fasta, predict_peaks, predict_tiles

__all__ = [
    "DEFAULT_WIDTH", "SequenceTask", "explain_fasta", "explain_peaks", "log_odds",
    "model_width", "predict_fasta", "predict_peaks", "predict_tiles", "run_batches",
]
