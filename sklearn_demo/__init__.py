"""sklearn_demo: the Deep Motif Dashboard's models and explanations as
scikit-learn estimators.

Examples
--------
>>> from sklearn_demo import CNNClassifier, make_motif_dataset
>>> data = make_motif_dataset(100, random_state=0)
>>> CNNClassifier(max_epochs=1, n_filters=4, verbose=0).fit(data.X, data.y).classes_
array([0, 1])
"""
from importlib.metadata import PackageNotFoundError, version

from .baselines import GappedKmerSVC, KmerClassifier
from .datasets import fetch_deepbind_encode, make_motif_dataset
from .encoding import DNAEncoder, one_hot_decode, one_hot_encode
from .estimators import CNNClassifier, CNNRNNClassifier, RNNClassifier
from .explain import (
    ClassOptimizer, InteractionExplainer, OrderEffect, SaliencyExplainer, TemporalScorer,
    filter_aurocs, first_layer_pwms, motif_spacing, optimize_jointly, order_effect,
    site_interactions,
)
from .io import load_training_data, read_deepbind, read_fasta, read_sequences
from .motifs import fetch_jaspar_motifs, match_motifs, scan_motifs, write_meme
from .persistence import load_model, save_model
from .shuffle import dinucleotide_shuffle, dinucleotide_shuffle_one_hot
from .inference import explain_fasta, predict_fasta

try:
    __version__ = version("sklearn-demo")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "CNNClassifier",
    "CNNRNNClassifier",
    "ClassOptimizer",
    "DNAEncoder",
    "GappedKmerSVC",
    "InteractionExplainer",
    "KmerClassifier",
    "OrderEffect",
    "RNNClassifier",
    "SaliencyExplainer",
    "TemporalScorer",
    "dinucleotide_shuffle",
    "dinucleotide_shuffle_one_hot",
    "fetch_deepbind_encode",
    "fetch_jaspar_motifs",
    "filter_aurocs",
    "load_model",
    "load_training_data",
    "first_layer_pwms",
    "make_motif_dataset",
    "match_motifs",
    "motif_spacing",
    "scan_motifs",
    "write_meme",
    "one_hot_decode",
    "one_hot_encode",
    "optimize_jointly",
    "order_effect",
    "explain_fasta",
    "predict_fasta",
    "read_deepbind",
    "read_fasta",
    "read_sequences",
    "save_model",
    "site_interactions",
]
