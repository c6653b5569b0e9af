"""The positive class: named by the user or obvious, saved, and the one every
output is about."""
import csv
import json

import numpy as np
import pytest
import torch
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sklearn_demo import CNNClassifier, KmerClassifier, SaliencyExplainer, load_model, save_model
from sklearn_demo.cli import main
from sklearn_demo.dashboard import score_models
from sklearn_demo.labels import (
    check_known_labels, positive_class, positive_log_odds, positive_proba, probability_name,
    resolve_pos_label,
)


@pytest.mark.parametrize("classes, positive", [
    (["bound", "unbound"], "bound"), (["Negative", "Positive"], "Positive"),
    (["no", "yes"], "yes"), (["FALSE", "TRUE"], "TRUE"), ([False, True], True),
    ([0, 1], 1), ([-1, 1], 1), ([0.0, 1.0], 1.0), (["0", "1"], "1"), ([1, 2], 2),
    (["neg", "pos"], "pos"),
])
def test_obvious_pairs_take_the_obvious_label(classes, positive):
    assert resolve_pos_label(classes, None, owner="M") == positive


def test_any_other_pair_needs_a_name_and_a_named_label_must_be_one_of_them():
    with pytest.raises(ValueError, match=r"which of the labels \['CTCF', 'input'\]"):
        resolve_pos_label(["CTCF", "input"], None, owner="M")
    assert resolve_pos_label(["CTCF", "input"], "input", owner="M") == "input"
    assert resolve_pos_label(np.array(["0", "1"]), 1, owner="M") == "1"  # a TSV's text labels
    with pytest.raises(ValueError, match=r"pos_label='bound' is not one of the labels \[0, 1\]"):
        resolve_pos_label([0, 1], "bound", owner="M")
    # a model file saved before pos_label existed keeps what it used: classes_[1]
    assert resolve_pos_label(["CTCF", "input"], None, owner="M", strict=False) == "input"


@pytest.fixture(scope="module")
def bound_unbound(motif_data):
    labels = np.where(motif_data.y == 1, "bound", "unbound")
    clf = CNNClassifier(n_filters=8, max_epochs=6, verbose=0, random_state=0,
                        validation_fraction=0)
    return clf.fit(motif_data.X, labels), labels


def test_a_model_trained_on_bound_unbound_reports_p_of_bound(bound_unbound, motif_data,
                                                              tmp_path):
    clf, labels = bound_unbound
    assert clf.classes_.tolist() == ["bound", "unbound"] and clf.pos_label_ == "bound"
    proba = clf.predict_proba(motif_data.X[:50])
    np.testing.assert_array_equal(positive_proba(clf, motif_data.X[:50]), proba[:, 0])
    np.testing.assert_allclose(positive_log_odds(clf, motif_data.X[:50]),
                               -clf.decision_function(motif_data.X[:50]), atol=1e-12)
    assert probability_name(clf) == "p(bound)"
    # bound sequences score high: the positive class really is "bound"
    assert roc_auc_score(labels == "bound", positive_proba(clf, motif_data.X)) > 0.8
    explainer = SaliencyExplainer(FrozenEstimator(clf)).fit(motif_data.X[:2])
    assert explainer.target_class_ == "bound"
    loaded = load_model(save_model(clf, tmp_path / "m.pt"))
    assert loaded.pos_label_ == "bound" and positive_class(loaded) == "bound"


def test_a_named_positive_label_is_saved_and_named_everywhere(motif_data, tmp_path):
    labels = np.where(motif_data.y == 1, "CTCF", "input")
    with pytest.raises(ValueError, match=r"labels \['CTCF', 'input'\] is the positive"):
        CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(motif_data.X, labels)
    clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0, pos_label="CTCF").fit(
        motif_data.X, labels)
    assert clf.pos_label_ == "CTCF" and probability_name(clf) == "p(CTCF)"
    path = save_model(clf, tmp_path / "m.pt")
    assert load_model(path).pos_label_ == "CTCF"
    # the same file before pos_label existed: its model reported classes_[1]
    payload = torch.load(path, weights_only=True)
    params = json.loads(payload["params"])
    del params["pos_label"]
    payload["params"] = json.dumps(params)
    torch.save(payload, path)
    assert load_model(path).pos_label_ == "input"
    kmer = KmerClassifier(k=3, pos_label="CTCF").fit(motif_data.X, labels)
    assert kmer.pos_label_ == "CTCF" and probability_name(kmer) == "p(CTCF)"


def test_data_labelled_otherwise_than_the_model_are_refused_naming_both(bound_unbound,
                                                                         motif_data):
    clf, _ = bound_unbound
    with pytest.raises(ValueError, match=r"labelled \[0, 1\], but CNNClassifier was trained "
                                         r"on \['bound', 'unbound'\]"):
        check_known_labels(clf, motif_data.y)
    with pytest.raises(ValueError, match="trained on"):
        score_models({"CNN": clf}, motif_data.X[:20], motif_data.y[:20])


@pytest.mark.slow
def test_train_prints_the_auc_of_the_model_it_saves(motif_data, tmp_path, capsys):
    """A DeepBind training/test pair: the printed test AUC is that of the saved
    file's probabilities (both strands, as the CNN reads them)."""
    def write(path, rows):
        with open(path, "w", newline="") as handle:
            csv.writer(handle, delimiter="\t").writerows(
                [["FoldID", "EventID", "seq", "Bound"]]
                + [["A", f"s{i}", seq, label] for i, (seq, label) in enumerate(rows)])

    write(tmp_path / "train.seq", zip(motif_data.X[:400], motif_data.y[:400]))
    write(tmp_path / "test.seq", zip(motif_data.X[400:], motif_data.y[400:]))
    model = tmp_path / "m.pt"
    assert main(["train", "--data", str(tmp_path / "train.seq"), str(tmp_path / "test.seq"),
                 "--model", "cnn", "--epochs", "3", "-o", str(model)]) == 0
    saved = load_model(model)
    auc = roc_auc_score(motif_data.y[400:] == 1, positive_proba(saved, motif_data.X[400:]))
    assert f"test AUC {auc:.3f}" in capsys.readouterr().out


@pytest.mark.slow
def test_train_on_bound_unbound_labels_names_p_of_bound(motif_data, tmp_path):
    labels = np.where(motif_data.y == 1, "bound", "unbound")
    tsv = tmp_path / "train.tsv"
    tsv.write_text("sequence\tlabel\n" + "".join(
        f"{seq}\t{label}\n" for seq, label in zip(motif_data.X, labels)))
    model = tmp_path / "m.pt"
    assert main(["train", "--data", str(tsv), "--model", "cnn", "--epochs", "2",
                 "-o", str(model), "--quiet"]) == 0
    assert load_model(model).pos_label_ == "bound"
    fasta = tmp_path / "in.fa"
    fasta.write_text("".join(f">s{i}\n{s}\n" for i, s in enumerate(motif_data.X[:5])))
    assert main(["predict", "--model", str(model), "--input", str(fasta),
                 "-o", str(tmp_path / "p.tsv"), "--quiet"]) == 0
    header = (tmp_path / "p.tsv").read_text().splitlines()[0].split("\t")
    assert header == ["name", "p(bound)", "log_odds"]
    other = tmp_path / "other.tsv"
    other.write_text(tsv.read_text().replace("\tbound", "\tCTCF").replace("\tunbound", "\tinput"))
    assert main(["train", "--data", str(other), "--model", "cnn", "--epochs", "1", "--quiet",
                 "--positive", "CTCF", "-o", str(model)]) == 0
    assert load_model(model).pos_label_ == "CTCF"
