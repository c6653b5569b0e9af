import subprocess
import sys
import textwrap

import numpy as np
import pytest

from sklearn.frozen import FrozenEstimator

from sklearn_demo import CNNClassifier, SaliencyExplainer, TemporalScorer
from sklearn_demo.io import count_fasta_records
from sklearn_demo.inference import explain_fasta, predict_fasta


@pytest.fixture(scope="module")
def tiny_model(fitted_models):
    return fitted_models("tiny_cnn")


def _fasta(path, sequences):
    path.write_text("".join(f">seq{i}\n{s}\n" for i, s in enumerate(sequences)))
    return path


def test_streamed_predictions_equal_in_memory_ones(tiny_model, motif_data, tmp_path):
    fasta = _fasta(tmp_path / "in.fa", motif_data.X[:250])
    assert predict_fasta(tiny_model, fasta, tmp_path / "out.tsv", batch_size=64) == 250
    lines = (tmp_path / "out.tsv").read_text().splitlines()
    assert lines[0] == "name\tp(bound)\tlog_odds" and lines[1].startswith("seq0\t")
    streamed = np.array([float(line.split("\t")[1]) for line in lines[1:]])
    np.testing.assert_allclose(streamed, tiny_model.predict_proba(motif_data.X[:250])[:, 1],
                               rtol=1e-5, atol=1e-6)


def test_bad_record_leaves_no_partial_output(tiny_model, motif_data, tmp_path):
    sequences = list(motif_data.X[:100])
    sequences[70] = sequences[70][:10] + "Z" + sequences[70][11:]
    fasta = _fasta(tmp_path / "in.fa", sequences)
    with pytest.raises(ValueError, match="record 71 \\('seq70'\\): it has invalid character 'Z' at position 10"):
        predict_fasta(tiny_model, fasta, tmp_path / "out.tsv", batch_size=32)
    assert [p.name for p in tmp_path.iterdir()] == ["in.fa"]


@pytest.mark.parametrize("explainer_class, shape", [(SaliencyExplainer, (4, 101)),
                                                    (TemporalScorer, (2, 101))])
def test_streamed_explanations_equal_in_memory_ones(explainer_class, shape, tiny_model,
                                                     motif_data, tmp_path):
    explainer = explainer_class(FrozenEstimator(tiny_model)).fit(motif_data.X)
    fasta = _fasta(tmp_path / "in.fa", motif_data.X[:70])
    out = tmp_path / "expl.npy"
    assert explain_fasta(explainer, fasta, out, batch_size=32) == 70
    streamed = np.load(out, mmap_mode="r")
    assert streamed.shape == (70, *shape) and streamed.dtype == np.float32
    np.testing.assert_allclose(streamed, explainer.transform(motif_data.X[:70]), rtol=1e-5,
                               atol=1e-7)
    names = (tmp_path / "expl.npy.names.txt").read_text().split()
    assert names == [f"seq{i}" for i in range(70)]


def test_streamed_explanations_fail_whole(tiny_model, motif_data, tmp_path):
    explainer = SaliencyExplainer(FrozenEstimator(tiny_model)).fit(motif_data.X)
    mixed = list(motif_data.X[:40]) + [s[:90] for s in motif_data.X[40:50]]
    with pytest.raises(ValueError, match="records 41-50: .*needs sequences of one length"):
        explain_fasta(explainer, _fasta(tmp_path / "mixed.fa", mixed), tmp_path / "o.npy",
                      batch_size=40)
    bad = list(motif_data.X[:20])
    bad[5] = "N" * 50 + "?" + "N" * 50
    with pytest.raises(ValueError, match="record 6 \\('seq5'\\): it has invalid character '\\?'"):
        explain_fasta(explainer, _fasta(tmp_path / "bad.fa", bad), tmp_path / "o.npy")
    (tmp_path / "empty.fa").write_text("")
    with pytest.raises(ValueError, match="holds no FASTA records"):
        explain_fasta(explainer, tmp_path / "empty.fa", tmp_path / "o.npy")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.fa", "empty.fa", "mixed.fa"]
    assert count_fasta_records(tmp_path / "bad.fa") == 20


def test_batches_of_a_gzip_fasta(tmp_path):
    import gzip

    with gzip.open(tmp_path / "x.fa.gz", "wt") as handle:
        handle.write("".join(f">r{i}\nACGT\n" for i in range(5)))
    from sklearn_demo.inference.engine import run_batches
    from sklearn_demo.inference.sources import fasta_items

    sizes = list(run_batches(len, fasta_items(tmp_path / "x.fa.gz"), 2))
    assert sizes == [2, 2, 1]


@pytest.mark.integration
def test_200k_sequences_stream_in_bounded_memory(tiny_model, tmp_path):
    """Peak RSS of a child process predicting 200,000 x 101 bp grows by less
    than 150 MB over its RSS after loading the model; the one-hot input
    alone would take 323 MB if it were held at once."""
    import pickle

    rng = np.random.RandomState(0)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    with open(tmp_path / "big.fa", "w") as out:
        for start in range(0, 200_000, 20_000):
            block = letters[rng.randint(0, 4, size=(20_000, 101))].view("S101").ravel()
            out.writelines(f">s{start + i}\n{s.decode()}\n" for i, s in enumerate(block))
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(tiny_model))
    script = textwrap.dedent(f"""
        import pickle, resource
        from sklearn_demo.inference import predict_fasta
        model = pickle.loads(open({str(tmp_path / 'model.pkl')!r}, 'rb').read())
        model.predict_proba(['ACGT' * 25])
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        n = predict_fasta(model, {str(tmp_path / 'big.fa')!r}, {str(tmp_path / 'out.tsv')!r},
                          batch_size=5000)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(n, (after - before) / 1024)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    n, growth_mb = result.stdout.split()
    assert int(n) == 200_000
    assert float(growth_mb) < 150, f"peak memory grew by {growth_mb} MB"


def test_a_progress_bar_shows_on_a_terminal_only(tiny_model, motif_data, tmp_path, capsys,
                                                 monkeypatch):
    import sys

    fasta = tmp_path / "in.fa"
    fasta.write_text("".join(f">s{i}\n{s}\n" for i, s in enumerate(motif_data.X[:50])))
    predict_fasta(tiny_model, fasta, tmp_path / "a.tsv", batch_size=10)
    assert "scoring in.fa" not in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    predict_fasta(tiny_model, fasta, tmp_path / "b.tsv", batch_size=10)
    assert "scoring in.fa" in capsys.readouterr().err


def test_fasta_predictions_are_the_same_in_two_processes(tiny_model, motif_data, tmp_path):
    """The engine's joblib path (n_jobs=2) writes what the in-process one does."""
    fasta = _fasta(tmp_path / "in.fa", motif_data.X[:300])
    predict_fasta(tiny_model, fasta, tmp_path / "here.tsv", batch_size=64)
    predict_fasta(tiny_model, fasta, tmp_path / "two.tsv", batch_size=64, n_jobs=2)
    assert (tmp_path / "two.tsv").read_text() == (tmp_path / "here.tsv").read_text()


def test_a_saved_model_remembers_its_width_and_the_genome_commands_use_it(motif_data, tmp_path):
    """A network trained on 60-bp windows cuts 60-bp windows around peaks
    after a save and a load, without being told; an old file without the
    width falls back to 101."""
    import torch

    from sklearn_demo import KmerClassifier, load_model, save_model
    from sklearn_demo.genome import write_pseudo_genome
    from sklearn_demo.inference import DEFAULT_WIDTH, model_width, predict_peaks

    X = [s[20:80] for s in motif_data.X]
    clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0, random_state=0).fit(X, motif_data.y)
    assert clf.input_width_ == 60
    path = save_model(clf, tmp_path / "m.pt")
    loaded = load_model(path)
    assert loaded.input_width_ == 60 and model_width(FrozenEstimator(loaded)) == 60
    write_pseudo_genome({"chr1": list(motif_data.X[:5])}, tmp_path / "g.fa",
                        tmp_path / "p.narrowPeak", flank=100)
    windows = predict_peaks(loaded, tmp_path / "p.narrowPeak", tmp_path / "g.fa",
                            tmp_path / "p.bedGraph")
    assert (windows.end - windows.start).tolist() == [60] * 5
    rows = [line.split("\t") for line in (tmp_path / "p.bedGraph").read_text().splitlines()]
    np.testing.assert_allclose([float(r[3]) for r in rows],
                               loaded.predict_proba(windows.sequences)[:, 1], rtol=1e-5, atol=1e-6)
    payload = torch.load(path, weights_only=True)
    del payload["input_width"]
    torch.save(payload, path)
    assert load_model(path).input_width_ is None
    assert model_width(load_model(path)) == DEFAULT_WIDTH == model_width(KmerClassifier())
