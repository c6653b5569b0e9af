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
