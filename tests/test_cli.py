import json
import re

import numpy as np
import pytest

from sklearn_demo import load_model
from sklearn_demo.cli import main
from sklearn_demo.dashboard import ATTRIBUTION_METHODS


def test_dashboard_writes_the_report_models_and_data(dashboard_report):
    page = (dashboard_report / "index.html").read_text()
    for title in ("At a glance", "Model comparison", "Planted vs recovered", "CNNClassifier",
                  "RNNClassifier", "CNNRNNClassifier", "How this report was made"):
        assert f">{title}</h2>" in page
    metrics = (dashboard_report / "data" / "metrics.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in metrics[1:]] == [
        "CNNClassifier", "RNNClassifier", "CNNRNNClassifier", "KmerClassifier", "GappedKmerSVC"]
    provenance = json.loads((dashboard_report / "data" / "provenance.json").read_text())
    assert provenance["seed"] == 0 and "torch" in provenance["versions"]
    assert provenance["command"].startswith("sklearn-demo")
    # every data file a panel links to exists
    linked = {part.split('"')[0] for part in page.split('href="data/')[1:]}
    assert linked and all((dashboard_report / "data" / name).is_file() for name in linked)
    assert sorted(p.name for p in (dashboard_report / "models").iterdir()) == [
        "CNNClassifier.pt", "CNNRNNClassifier.pt", "RNNClassifier.pt"]
    assert not [p for p in dashboard_report.rglob(".*")]  # no partial files
    planted = json.loads((dashboard_report / "data" / "planted_vs_recovered.json").read_text())
    assert len(planted["attribution_site_auroc"]) == 3 * len(ATTRIBUTION_METHODS)
    assert provenance["arguments"]["site_auroc_sequences"] == 8
    # the table says how many test positives its AUROCs were scored on
    assert {row["test positives"] for row in planted["attribution_site_auroc"]} == {8}


@pytest.mark.slow
def test_dashboard_on_an_order_grammar_shows_motif_dependencies(tmp_path):
    assert main(["dashboard", "--grammar", "mixed", "--models", "cnn,cnnrnn",
                 "--n-samples", "200", "--epochs", "1", "--class-iterations", "10",
                 "--site-auroc-sequences", "8", "--quiet", "--out", str(tmp_path)]) == 0
    page = (tmp_path / "index.html").read_text()
    assert ">Motif dependencies</h2>" in page and "mixed order grammar" in page
    rows = (tmp_path / "data" / "motif_dependencies.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["CNNClassifier", "CNNRNNClassifier"]
    assert "(shown)" in page  # the attribution table marks the method on display


def test_explain_reuses_a_saved_model_without_training(dashboard_report, tmp_path, motif_data,
                                                      capsys):
    positives = motif_data.X[motif_data.y == 1][:60]
    (tmp_path / "pos.fa").write_text("".join(f">p{i}\n{s}\n" for i, s in enumerate(positives)))
    assert main(["explain", "--model", str(dashboard_report / "models" / "CNNClassifier.pt"),
                 "--data", str(tmp_path / "pos.fa"), "--class-iterations", "20",
                 "--out", str(tmp_path / "report")]) == 0
    out = capsys.readouterr().out
    assert "training CNN" not in out and "explaining CNNClassifier" in out
    page = (tmp_path / "report" / "index.html").read_text()
    assert ">CNNClassifier</h2>" in page and "RNNClassifier</h2>" not in page
    assert "pos.fa: 120 sequences" in page  # 60 positives and their 60 shuffles, all scored


@pytest.mark.slow
def test_dashboard_on_a_real_dataset_quietly(tmp_path, capsys, mirror):
    # MYC: the mirror's smallest training set (8,102 sequences)
    assert main(["dashboard", "--dataset", "MYC", "--mirror", str(mirror), "--data-home",
                 str(tmp_path / "cache"), "--models", "cnn", "--epochs", "1", "--quiet",
                 "--class-iterations", "20", "--out", str(tmp_path / "run")]) == 0
    assert capsys.readouterr().out == ""
    page = (tmp_path / "run" / "index.html").read_text()
    assert "MYC_H1-hESC_c-Myc_Stanford" in page and "Planted vs recovered" not in page


@pytest.mark.parametrize("argv, message", [
    (["dashboard", "--models", "cnn,svm"], "unknown model name(s) svm"),
    (["dashboard", "--epochs", "0"], "--epochs must be at least 1"),
    (["dashboard", "--max-train-gkm", "-5"], "--max-train-gkm must be 0 (all) or positive"),
    (["dashboard", "--site-auroc-sequences", "-1"],
     "--site-auroc-sequences must be 0 (all) or positive, got -1"),
    (["dashboard", "--baselines", "--n-samples", "60", "--max-train-gkm", "1"],
     "max_train_gkm must be an integer of at least 2"),
    (["dashboard", "--dataset", "NOPE"], "Unknown or ambiguous DeepBind ENCODE dataset 'NOPE'"),
    (["dashboard", "--data", "absent.fa"], "No such sequence file: absent.fa"),
    (["dashboard", "--data", "a.tsv", "b.tsv", "c.tsv"], "--data takes one or two files"),
    (["explain", "--model", "absent.pt"], "No saved model"),
    (["dashboard", "--n-samples", "60", "--class-iterations", "-5"],
     "parameter 'class_iterations' must be an integer in [1, inf], got -5"),
    (["dashboard", "--n-samples", "60", "--lstm-timescale", "1"],
     "parameter 'lstm_timescale' must be a number in (2, inf) or None, got 1.0"),
    (["dashboard", "--n-samples", "60", "--models", "cnn", "--baselines", "--lstm-timescale", "50"],
     "lstm_timescale=50.0 applies to the recurrent networks it trains (rnn, cnnrnn), and none"),
])
def test_bad_input_is_one_line_and_nonzero(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a.tsv", "b.tsv", "c.tsv"):
        (tmp_path / name).write_text("ACGT\t1\n")
    assert main(argv + ["--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_wrong_format_and_mixed_lengths_are_named(tmp_path, capsys):
    (tmp_path / "bad.tsv").write_text("ACGT\t1\textra\n")
    assert main(["dashboard", "--data", str(tmp_path / "bad.tsv"), "--out", str(tmp_path)]) == 2
    assert "line 1: expected two tab-separated fields" in capsys.readouterr().err
    rows = [f"{'ACGT' * 5}\t1", f"{'ACGT' * 6}\t0"] * 10
    (tmp_path / "mixed.tsv").write_text("\n".join(rows) + "\n")
    assert main(["dashboard", "--data", str(tmp_path / "mixed.tsv"), "--models", "cnn",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "length" in err and err.count("\n") == 1


def test_train_then_predict_a_fasta_records_provenance(tmp_path, motif_data, capsys):
    positives = motif_data.X[motif_data.y == 1][:150]
    (tmp_path / "pos.fa").write_text("".join(f">p{i}\n{s}\n" for i, s in enumerate(positives)))
    assert main(["train", "--data", str(tmp_path / "pos.fa"), "--model", "cnn", "--epochs", "2",
                 "--out", str(tmp_path / "m.pt"), "--quiet"]) == 0
    assert main(["predict", "--model", str(tmp_path / "m.pt"), "--input", str(tmp_path / "pos.fa"),
                 "--out", str(tmp_path / "p.tsv"), "--quiet"]) == 0
    lines = (tmp_path / "p.tsv").read_text().splitlines()
    assert len(lines) == 151 and lines[1].startswith("p0\t")
    assert capsys.readouterr().out == ""
    trained = json.loads((tmp_path / "m.pt.provenance.json").read_text())
    assert trained["seed"] == 0 and trained["versions"]["sklearn_demo"]
    predicted = json.loads((tmp_path / "p.tsv.provenance.json").read_text())
    assert predicted["arguments"]["model"] == str(tmp_path / "m.pt")
    assert predicted["command"].startswith("sklearn-demo")


def test_train_takes_the_lstm_timescale_of_a_recurrent_network(tmp_path, motif_data):
    positives = motif_data.X[motif_data.y == 1][:60]
    (tmp_path / "pos.fa").write_text("".join(f">p{i}\n{s}\n" for i, s in enumerate(positives)))
    assert main(["train", "--data", str(tmp_path / "pos.fa"), "--model", "rnn", "--epochs", "1",
                 "--lstm-timescale", "50", "--out", str(tmp_path / "m.pt"), "--quiet"]) == 0
    assert load_model(tmp_path / "m.pt").lstm_timescale == 50


@pytest.mark.integration
@pytest.mark.slow
def test_train_on_a_deepbind_file_from_the_mirror(tmp_path, mirror):
    test_file = mirror / "GABPA_GM12878_GABP_HudsonAlpha_B.seq.gz"
    # The CNN-RNN: bfloat16 convolutions on a CPU without bfloat16 units are slow, and
    # the default CNN's three layers took 31 s here against the CNN-RNN's one, 9 s.
    assert main(["train", "--data", str(test_file), "--model", "cnnrnn", "--epochs", "1",
                 "--precision", "bfloat16", "--out", str(tmp_path / "m.pt"), "--quiet"]) == 0
    model = load_model(tmp_path / "m.pt")
    assert model.classes_.tolist() == [0, 1] and model.precision == "bfloat16"


@pytest.mark.parametrize("argv, message", [
    (["train", "--data", "absent.fa", "--out", "m.pt"], "No such sequence file"),
    (["train", "--data", "x", "--model", "cnn,rnn", "--out", "m.pt"], "train fits one model"),
    (["train", "--data", "x", "--model", "cnn", "--lstm-timescale", "100", "--out", "m.pt"],
     "--lstm-timescale is for the recurrent networks"),
    (["predict", "--model", "absent.pt", "--input", "x.fa", "--out", "p.tsv"], "No saved model"),
])
def test_train_and_predict_errors_are_one_line(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("command", ["predict-over-input", "predict-over-model",
                                     "predict-through-link", "train-over-data"])
def test_an_output_that_is_an_input_is_refused_before_any_work(fitted_models,
        command, tmp_path, motif_data,
                                                                capsys):
    from sklearn_demo import save_model

    fasta = tmp_path / "in.fa"
    fasta.write_text("".join(f">s{i}\n{s}\n" for i, s in enumerate(motif_data.X[:20])))
    model = save_model(fitted_models("tiny_cnn"), tmp_path / "m.pt")
    (tmp_path / "link.fa").symlink_to(fasta)
    before = {path: path.read_bytes() for path in (fasta, model)}
    argv = {
        "predict-over-input": ["predict", "--model", str(model), "--input", str(fasta),
                               "--out", str(fasta)],
        "predict-over-model": ["predict", "--model", str(model), "--input", str(fasta),
                               "--out", str(model)],
        "predict-through-link": ["predict", "--model", str(model), "--input", str(fasta),
                                 "--out", str(tmp_path / "link.fa")],
        "train-over-data": ["train", "--model", "cnn", "--data", str(fasta), "--out", str(fasta),
                            "--epochs", "1", "--quiet"],
    }[command]
    assert main(argv) == 2
    assert "refusing to overwrite it" in capsys.readouterr().err
    assert {path: path.read_bytes() for path in before} == before
    assert not list(tmp_path.glob("*.provenance.json"))


@pytest.mark.slow
@pytest.mark.parametrize("signum, status, word", [(15, 143, "terminated"), (2, 130, "interrupted")])
def test_a_stopped_predict_leaves_no_temporary_and_says_so_in_one_line(fitted_models,
        signum, status, word,
                                                                         tmp_path, motif_data):
    """SIGTERM cleans up as Ctrl-C does; both end with one line, no traceback."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from sklearn_demo import save_model

    model = save_model(fitted_models("tiny_cnn"), tmp_path / "m.pt")
    # The records come through standard input, which stays open: the child is
    # still reading when the signal comes, however slow a busy machine makes
    # either process (a file of 300,000 records could be done before it).
    process = subprocess.Popen(
        [sys.executable, "-m", "sklearn_demo.cli", "predict", "--model", str(model), "--input",
         "-", "--out", str(tmp_path / "out.tsv"), "--batch-size", "500"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        # A shell without job control (CI's) starts children with SIGINT ignored,
        # and Python then never raises KeyboardInterrupt: give the child the default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    process.stdin.write("".join(f">s{i}\n{motif_data.X[i % len(motif_data.X)]}\n"
                                for i in range(2000)))
    process.stdin.flush()
    deadline = time.time() + 120
    while not list(tmp_path.glob(".out.tsv.*")) and time.time() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.tsv.*")), "predict never started writing"
    time.sleep(1)  # into the steady state: scoring, or waiting for more records
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == status
    assert err.strip().splitlines() == [f"sklearn-demo: {word}; no partial file was left"]
    assert not list(tmp_path.glob(".out.tsv.*")) and not (tmp_path / "out.tsv").exists()


def test_a_killed_runs_temporary_is_removed_by_the_next_run(fitted_models,
        tmp_path, motif_data):
    from sklearn_demo import save_model

    model = save_model(fitted_models("tiny_cnn"), tmp_path / "m.pt")
    (tmp_path / "in.fa").write_text(">a\n" + motif_data.X[0] + "\n")
    stale = tmp_path / ".out.tsv.999999999.tmp-x1y2"  # no process has this id
    stale.write_text("partial output of a run killed with SIGKILL")
    assert main(["predict", "--model", str(model), "--input", str(tmp_path / "in.fa"),
                 "--out", str(tmp_path / "out.tsv"), "--quiet"]) == 0
    assert not stale.exists() and (tmp_path / "out.tsv").exists()


@pytest.mark.parametrize("content, message", [
    ("sequence\tlabel\nACGT\t1\n", "is not FASTA: it does not start with '>'"),
    ("", "holds no FASTA records"),
    (">a\nACGT\n>b\n\n>c\nACGT\n", "record 2 \\('b'\\) has an empty sequence"),
])
def test_predict_input_problems_are_one_line_naming_the_file(content, message, tmp_path,
                                                             fitted_models, capsys):
    from sklearn_demo import save_model

    model = save_model(fitted_models("tiny_cnn"), tmp_path / "m.pt")
    (tmp_path / "in.txt").write_text(content)
    assert main(["predict", "--model", str(model), "--input", str(tmp_path / "in.txt"),
                 "--out", str(tmp_path / "out.tsv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "in.txt" in err[0]
    assert re.search(message, err[0]) and not (tmp_path / "out.tsv").exists()


@pytest.mark.slow
def test_predict_reads_stdin_writes_stdout_and_keeps_confident_hits_ranked(fitted_models,
        tmp_path, motif_data):
    """``-`` for input and output; the log-odds column (the raw logit) still
    ranks sequences whose probabilities print as 1."""
    import subprocess
    import sys

    from sklearn_demo import save_model

    clf = fitted_models("tiny_cnn")
    model = save_model(clf, tmp_path / "m.pt")
    fasta = "".join(f">s{i}\n{s}\n" for i, s in enumerate(motif_data.X[:30]))
    result = subprocess.run([sys.executable, "-m", "sklearn_demo.cli", "predict", "--model",
                             str(model), "--input", "-", "-o", "-", "--quiet"],
                            input=fasta, capture_output=True, text=True, check=True)
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0] == ["name", "p(bound)", "log_odds"] and len(rows) == 31
    np.testing.assert_allclose([float(r[2]) for r in rows[1:]],
                               clf.decision_function(motif_data.X[:30]), atol=1e-5)


def test_version_and_help_text_on_every_option(capsys):
    from sklearn_demo import __version__
    from sklearn_demo.cli import build_parser

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"sklearn-demo {__version__}"
    parser = build_parser()
    for sub in parser._subparsers._group_actions[0].choices.values():
        for action in sub._actions:
            assert action.help, f"{sub.prog} {action.option_strings} has no help text"


def test_train_ends_with_its_validation_and_test_scores(tmp_path, mirror, capsys):
    """A DeepBind training/test pair: the validation AUC of the kept epoch,
    then the test AUC, each in one line."""
    train_file = mirror / "GABPA_GM12878_GABP_HudsonAlpha_B.seq.gz"
    assert main(["train", "--data", str(train_file), str(train_file), "--model", "cnn",
                 "--epochs", "1", "-o", str(tmp_path / "m.pt")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"validation AUC 0\.\d{3} \(epoch 1 of 1\)", out)
    assert re.search(r"test AUC 0\.\d{3} on 1000 held-out sequences", out)


def test_mixed_length_input_is_named_by_record_and_scored_with_padding(fitted_models,
        tmp_path, motif_data,
                                                                        capsys):
    from sklearn_demo import save_model

    model = save_model(fitted_models("tiny_cnn"), tmp_path / "m.pt")
    (tmp_path / "mixed.fa").write_text(f">a\n{motif_data.X[0]}\n>b\n{motif_data.X[1][:60]}\n")
    argv = ["predict", "--model", str(model), "--input", str(tmp_path / "mixed.fa"), "-o",
            str(tmp_path / "p.tsv"), "--quiet"]
    assert main(argv) == 2
    assert "record 2 ('b') has length 60, record 1 ('a') 101" in capsys.readouterr().err
    assert main(argv + ["--padding", "center"]) == 0
    assert len((tmp_path / "p.tsv").read_text().splitlines()) == 3


def test_mixed_length_fasta_is_fitted_to_a_width_in_train_and_predict(tmp_path):
    """bedtools getfasta output has one length per interval: --width
    centre-crops or N-pads every record; without it train names the problem."""
    from sklearn_demo import make_motif_dataset
    from sklearn_demo.cli import main

    data = make_motif_dataset(400, random_state=0)
    rng = np.random.RandomState(0)
    flank = lambda n: "".join(rng.choice(list("ACGT"), n))  # noqa: E731
    mixed = [flank(k) + s + flank(k) for k, s in zip(rng.randint(0, 30, 400), data.X)]
    positives = tmp_path / "pos.fa"
    positives.write_text("".join(f">p{i}\n{s}\n" for i, s in enumerate(
        np.array(mixed)[data.y == 1])))
    model = tmp_path / "m.pt"
    assert main(["train", "--data", str(positives), "--model", "cnn", "--epochs", "2",
                 "--quiet", "--out", str(model)]) == 2
    assert main(["train", "--data", str(positives), "--model", "cnn", "--epochs", "2",
                 "--width", "101", "--quiet", "--out", str(model)]) == 0
    out = tmp_path / "p.tsv"
    assert main(["predict", "--model", str(model), "--input", str(positives), "--width", "101",
                 "--quiet", "-o", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 1 + int(data.y.sum())
