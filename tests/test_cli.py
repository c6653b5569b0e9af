import json

import pytest

from sklearn_demo.cli import main


def test_compare_on_the_embedded_dataset(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["compare", "--n-samples", "300", "--epochs", "2", "--models", "cnn,rnn",
                 "--out", str(out)]) == 0
    report = json.loads((out / "metrics.json").read_text())
    assert [r["model"] for r in report["results"]] == ["CNNClassifier", "RNNClassifier"]
    assert all(0 <= r["test_auc"] <= 1 for r in report["results"])
    assert report["seed"] == 0 and "torch" in report["versions"]
    assert (out / "metrics.csv").read_text().startswith("model,test_auc,test_auprc")
    assert (out / "roc_pr.png").read_bytes()[:4] == b"\x89PNG"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no partial files


def test_compare_on_a_real_dataset_quietly(tmp_path, capsys, mirror):
    assert main(["compare", "--dataset", "GABPA", "--mirror", str(mirror), "--data-home",
                 str(tmp_path / "cache"), "--models", "cnn", "--epochs", "1", "--quiet",
                 "--out", str(tmp_path / "run")]) == 0
    assert capsys.readouterr().out == ""
    report = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert report["dataset"] == "GABPA_GM12878_GABP_HudsonAlpha"


@pytest.mark.parametrize("argv, message", [
    (["compare", "--models", "cnn,svm"], "unknown model name(s) svm"),
    (["compare", "--epochs", "0"], "--epochs must be at least 1"),
    (["compare", "--dataset", "NOPE"], "Unknown or ambiguous DeepBind ENCODE dataset 'NOPE'"),
])
def test_bad_input_is_one_line_and_nonzero(argv, message, tmp_path, capsys):
    assert main(argv + ["--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_train_then_predict_a_fasta(tmp_path, motif_data, capsys):
    positives = motif_data.X[motif_data.y == 1][:150]
    (tmp_path / "pos.fa").write_text("".join(f">p{i}\n{s}\n" for i, s in enumerate(positives)))
    assert main(["train", "--data", str(tmp_path / "pos.fa"), "--model", "cnn", "--epochs", "2",
                 "--out", str(tmp_path / "m.pt"), "--quiet"]) == 0
    assert main(["predict", "--model", str(tmp_path / "m.pt"), "--input", str(tmp_path / "pos.fa"),
                 "--out", str(tmp_path / "p.tsv"), "--quiet"]) == 0
    lines = (tmp_path / "p.tsv").read_text().splitlines()
    assert len(lines) == 151 and lines[1].startswith("p0\t")
    assert capsys.readouterr().out == ""


def test_train_on_a_deepbind_file_from_the_mirror(tmp_path, mirror):
    test_file = mirror / "GABPA_GM12878_GABP_HudsonAlpha_B.seq.gz"
    assert main(["train", "--data", str(test_file), "--model", "cnn", "--epochs", "1",
                 "--out", str(tmp_path / "m.pt"), "--quiet"]) == 0
    from sklearn_demo import load_model

    assert load_model(tmp_path / "m.pt").classes_.tolist() == [0, 1]


@pytest.mark.parametrize("argv, message", [
    (["train", "--data", "absent.fa", "--out", "m.pt"], "No such sequence file"),
    (["train", "--data", "x", "--model", "cnn,rnn", "--out", "m.pt"], "train fits one model"),
    (["predict", "--model", "absent.pt", "--input", "x.fa", "--out", "p.tsv"], "No saved model"),
])
def test_train_and_predict_errors_are_one_line(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
