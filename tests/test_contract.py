"""The prediction contract: the same sequence gets the same p(bound) on every
path, for every configuration a user can reach.

One property, stated once (``reference``: ``predict_proba`` on strings, the
positive class's column), parametrised over configurations x paths, as
scikit-learn's ``check_methods_subset_invariance`` is over methods. A new
path or configuration joins ``PATHS`` or ``CONFIGURATIONS``, and meets every
other one.
"""
import numpy as np
import pytest
from scipy.special import expit
from skorch.dataset import Dataset

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, RNNClassifier, load_model, make_motif_dataset, save_model,
)
from sklearn_demo.dashboard import SequenceExplorer
from sklearn_demo.encoding import one_hot_encode
from sklearn_demo.genome import GenomeWindowDataset
from sklearn_demo.inference import predict_fasta, predict_peaks, predict_tiles
from sklearn_demo.labels import positive_column, positive_proba
from sklearn_demo.variants import Variant, variant_effects
from variant_helpers import vcf_text

#: float32 forward passes of one model on batches of other composition (a
#: file's batches, a stream, the two strands apart) agree to ~1e-7 in p.
ATOL = 1e-6
N = 12
WIDTH = 101
TINY = dict(max_epochs=2, verbose=0, random_state=0)

#: Every configuration a user reaches: the defaults and DeMo's recipe of each
#: network, a seed ensemble and a single network, words as labels, and each
#: again after a save and a load (the "+file" ids).
CONFIGURATIONS = {
    "cnn": lambda: CNNClassifier(n_filters=4, **TINY),
    "cnn-demo": lambda: CNNClassifier(n_filters=4, filter_strands="forward", global_pool="max",
                                      reverse_complement=False, **TINY),
    "rnn": lambda: RNNClassifier(hidden_size=4, **TINY),
    "rnn-demo": lambda: RNNClassifier(hidden_size=4, lstm_pool="mean", lstm_input_std=None,
                                      lstm_strands="forward", **TINY),
    "cnnrnn": lambda: CNNRNNClassifier(n_filters=4, hidden_size=4, **TINY),
    "cnnrnn-one-network": lambda: CNNRNNClassifier(n_filters=4, hidden_size=4, ensemble_size=1,
                                                   **TINY),
    "cnnrnn-demo": lambda: CNNRNNClassifier(n_filters=4, hidden_size=4, pool_size=1,
                                            lstm_pool="mean", filter_strands="forward",
                                            max_shift=0, ensemble_size=1, **TINY),
    "cnn-both-strands-words": lambda: CNNClassifier(n_filters=4, reverse_complement=True,
                                                    **TINY),
}


@pytest.fixture(scope="module")
def data():
    motif = make_motif_dataset(80, random_state=1)
    return motif.X, motif.y


@pytest.fixture(scope="module")
def genome(data, tmp_path_factory):
    """chr1 is the first N sequences end to end: each is one window, one tile."""
    folder = tmp_path_factory.mktemp("contract")
    sequences = list(data[0][:N])
    (folder / "g.fa").write_text(">chr1\n" + "".join(sequences) + "\n")
    (folder / "peaks.bed").write_text("".join(
        f"chr1\t{i * WIDTH}\t{(i + 1) * WIDTH}\n" for i in range(N)))
    return folder


_fitted: dict = {}


def _model(name, data, tmp_path_factory):
    """The fitted model of configuration ``name`` (or, with "+file", the
    same model saved and loaded), fitted once per module."""
    base = name.removesuffix("+file")
    if base not in _fitted:
        X, y = data
        labels = np.where(y == 1, "bound", "unbound") if base.endswith("words") else y
        _fitted[base] = CONFIGURATIONS[base]().fit(X, labels)
    if not name.endswith("+file"):
        return _fitted[base]
    if name not in _fitted:
        path = tmp_path_factory.mktemp("model") / "m.pt"
        _fitted[name] = load_model(save_model(_fitted[base], path))
    return _fitted[name]


def _bedgraph_values(path):
    return np.array([float(line.split("\t")[3]) for line in path.read_text().splitlines()
                     if not line.startswith("track")])


def _fasta(model, sequences, folder):
    (folder / "in.fa").write_text("".join(f">s{i}\n{s}\n" for i, s in enumerate(sequences)))
    predict_fasta(model, folder / "in.fa", folder / "p.tsv", batch_size=5)
    rows = [line.split("\t") for line in (folder / "p.tsv").read_text().splitlines()[1:]]
    return np.array([float(row[1]) for row in rows])


def _peaks(model, sequences, folder, genome):
    predict_peaks(model, genome / "peaks.bed", genome / "g.fa", folder / "p.bedGraph",
                  width=WIDTH, centre="centre", batch_size=5)
    return _bedgraph_values(folder / "p.bedGraph")


def _tiles(model, sequences, folder, genome):
    predict_tiles(model, genome / "g.fa", folder / "t.bedGraph", width=WIDTH, batch_size=5)
    return _bedgraph_values(folder / "t.bedGraph")


def _reference_allele(model, sequences, folder, genome):
    """A SNV at each window's middle base: the reference window is the sequence."""
    variants = [Variant("chr1", i * WIDTH + WIDTH // 2 + 1, f"v{i}", s[WIDTH // 2],
                        "A" if s[WIDTH // 2] != "A" else "C") for i, s in enumerate(sequences)]
    return variant_effects(model, variants, genome / "g.fa", width=WIDTH, batch_size=5).p_ref


def _vcf_reference_allele(model, sequences, folder, genome):
    """The same SNVs streamed from an indexed VCF into a Parquet table."""
    import pandas as pd
    import pysam

    from sklearn_demo.variants import score_vcf

    (folder / "v.vcf").write_text(vcf_text(*(
        f"chr1\t{i * WIDTH + WIDTH // 2 + 1}\tv{i}\t{s[WIDTH // 2]}\t"
        f"{'A' if s[WIDTH // 2] != 'A' else 'C'}" for i, s in enumerate(sequences))))
    vcf = pysam.tabix_index(str(folder / "v.vcf"), preset="vcf", force=True)
    score_vcf(model, vcf, genome / "g.fa", folder / "e.parquet", width=WIDTH, batch_size=5)
    return pd.read_parquet(folder / "e.parquet").p_ref.to_numpy()


def _stream(model, sequences, folder, genome):
    dataset = GenomeWindowDataset(genome / "g.fa", ["chr1"] * N, np.arange(N) * WIDTH,
                                  np.zeros(N), width=WIDTH)
    return model.predict_proba(dataset)[:, positive_column(model)]


#: Every path that computes a sequence's p(bound), as f(model, sequences,
#: folder, genome) -> (n,).
PATHS = {
    "predict_proba(one-hot)": lambda m, s, f, g: positive_proba(m, one_hot_encode(s)),
    "predict_proba(Dataset)": lambda m, s, f, g: m.predict_proba(
        Dataset(one_hot_encode(s), None))[:, positive_column(m)],
    "predict_proba(stream)": _stream,
    "sigmoid(decision_function)": lambda m, s, f, g: (
        expit(m.decision_function(s)) if positive_column(m) == 1
        else 1 - expit(m.decision_function(s))),
    "predict_fasta": lambda m, s, f, g: _fasta(m, s, f),
    "predict_peaks": _peaks,
    "predict_tiles": _tiles,
    "variants (reference allele)": _reference_allele,
    "variants (indexed VCF, streamed)": _vcf_reference_allele,
    "app (p(bound) line)": lambda m, s, f, g: np.array(
        [SequenceExplorer({"m": m}).read(seq, views=())["m"].p_bound for seq in s]),
    "app (sequence table)": lambda m, s, f, g: SequenceExplorer({"m": m}).p_bound(s)["m"],
}


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("configuration", [name + suffix for name in CONFIGURATIONS
                                           for suffix in ("", "+file")])
def test_every_path_gives_the_same_probability(configuration, path, data, genome,
                                               tmp_path_factory):
    model = _model(configuration, data, tmp_path_factory)
    sequences = list(data[0][:N])
    reference = model.predict_proba(sequences)[:, positive_column(model)]
    folder = tmp_path_factory.mktemp("out")
    got = PATHS[path](model, sequences, folder, genome)
    np.testing.assert_allclose(got, reference, rtol=0, atol=ATOL)
    saved = _model(configuration.removesuffix("+file") + "+file", data, tmp_path_factory)
    np.testing.assert_allclose(saved.predict_proba(sequences)[:, positive_column(saved)],
                               reference, rtol=0, atol=ATOL)


@pytest.fixture(scope="module")
def multitask(data):
    X, y = data
    labels = np.column_stack([y, 1 - y])
    return CNNRNNClassifier(n_filters=4, hidden_size=4, task_names=["a", "b"], **TINY).fit(
        X, labels)


@pytest.mark.parametrize("path", ["one-hot", "Dataset", "stream", "sigmoid(decision_function)",
                                  "task_classifier", "variants", "file"])
def test_a_multitask_model_gives_each_task_the_same_probability_on_every_path(
        multitask, path, data, genome, tmp_path):
    sequences = list(data[0][:N])
    reference = multitask.predict_proba(sequences)
    if path == "one-hot":
        got = multitask.predict_proba(one_hot_encode(sequences))
    elif path == "Dataset":
        got = multitask.predict_proba(Dataset(one_hot_encode(sequences), None))
    elif path == "stream":
        got = multitask.predict_proba(GenomeWindowDataset(
            genome / "g.fa", ["chr1"] * N, np.arange(N) * WIDTH, np.zeros((N, 2)), width=WIDTH))
    elif path == "sigmoid(decision_function)":
        got = expit(multitask.decision_function(sequences))
    elif path == "task_classifier":
        got = np.column_stack([multitask.task_classifier(t).predict_proba(sequences)[:, 1]
                               for t in ("a", "b")])
    elif path == "variants":
        variants = [Variant("chr1", i * WIDTH + WIDTH // 2 + 1, f"v{i}", s[WIDTH // 2],
                            "A" if s[WIDTH // 2] != "A" else "C")
                    for i, s in enumerate(sequences)]
        got = variant_effects(multitask, variants, genome / "g.fa", width=WIDTH,
                              target="all").p_ref
    else:
        got = load_model(save_model(multitask, tmp_path / "m.pt")).predict_proba(sequences)
    np.testing.assert_allclose(got, reference, rtol=0, atol=ATOL)
