import json

import numpy as np
import pytest
import torch

from sklearn_demo import CNNClassifier, CNNRNNClassifier, RNNClassifier
from sklearn_demo import persistence
from sklearn_demo.persistence import load_model, save_model


@pytest.mark.parametrize("cls, params", [
    (CNNClassifier, dict(n_filters=6, filter_widths=(5, 3))),
    (RNNClassifier, dict(hidden_size=5)),
    (CNNRNNClassifier, dict(n_filters=6, hidden_size=5, reverse_complement=True)),
])
def test_round_trip_gives_identical_probabilities(cls, params, motif_data, tmp_path):
    labels = np.where(motif_data.y == 1, "bound", "unbound")
    clf = cls(max_epochs=1, verbose=0, random_state=0, **params).fit(motif_data.X, labels)
    path = save_model(clf, tmp_path / "model.pt")
    loaded = load_model(path)
    assert type(loaded) is cls
    assert loaded.classes_.tolist() == ["bound", "unbound"]
    for key, value in params.items():
        assert getattr(loaded, key) == value
    np.testing.assert_array_equal(loaded.predict_proba(motif_data.X), clf.predict_proba(motif_data.X))
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]  # no temporary left


def test_version_mismatch_and_corrupt_files_are_named(fitted_models, tmp_path, monkeypatch):
    clf = fitted_models("tiny_cnn")
    path = save_model(clf, tmp_path / "m.pt")
    monkeypatch.setattr(persistence, "_package_version", lambda: "9.9.0")
    with pytest.raises(ValueError, match="saved by sklearn_demo .*; this is 9.9.0"):
        load_model(path)
    monkeypatch.undo()
    truncated = tmp_path / "t.pt"
    truncated.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match="t.pt is not a readable sklearn_demo model file"):
        load_model(truncated)
    torch.save({"hello": 1}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="is not an sklearn_demo model file"):
        load_model(tmp_path / "other.pt")
    with pytest.raises(FileNotFoundError, match="No saved model"):
        load_model(tmp_path / "absent.pt")


def test_weights_that_do_not_fit_are_refused(fitted_models, tmp_path):
    clf = fitted_models("tiny_cnn")
    path = save_model(clf, tmp_path / "m.pt")
    payload = torch.load(path, weights_only=True)
    payload["params"] = payload["params"].replace('"n_filters": 4', '"n_filters": 5')
    torch.save(payload, path)
    with pytest.raises(ValueError, match="do not fit a CNNClassifier"):
        load_model(path)


def test_only_fitted_networks_are_saved(tmp_path):
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(NotFittedError):
        save_model(CNNClassifier(), tmp_path / "m.pt")
    with pytest.raises(TypeError, match="got LogisticRegression"):
        save_model(LogisticRegression(), tmp_path / "m.pt")


@pytest.mark.parametrize("field, value, message", [
    ("state_dict", None, "lacks state_dict"),
    ("package_version", 0.2, "package_version must be a string"),
    ("classes", [0, 1, 2], "classes must be two distinct labels"),
    ("classes", [1, 1], "classes must be two distinct labels"),
    ("n_features_in", "4", "n_features_in must be a positive integer"),
    ("params", "{not json", "params must be a JSON object"),
    ("params", '{"n_filters": 4, "rm_rf": true}', "unknown saved parameters \\['rm_rf'\\]"),
    ("params", '{"n_filters": -4}', "bad saved parameters .*'n_filters' must be"),
    ("state_dict", {"w": "not a tensor"}, "state_dict must map parameter names to tensors"),
])
def test_every_field_of_a_model_file_is_checked(fitted_models, tmp_path, field, value, message):
    """A malformed file is refused in one line naming the field, never a
    KeyError from deep inside, and never loaded as a three-class model."""
    clf = fitted_models("tiny_cnn")
    path = save_model(clf, tmp_path / "m.pt")
    payload = torch.load(path, weights_only=True)
    if value is None:
        del payload[field]
    else:
        payload[field] = value
    torch.save(payload, path)
    with pytest.raises(ValueError, match=message):
        load_model(path)


def test_loading_leaves_the_callers_random_stream_alone(fitted_models, tmp_path):
    clf = fitted_models("tiny_cnn")
    path = save_model(clf, tmp_path / "m.pt")
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    load_model(path)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("cls, name, then, trained", [
    (RNNClassifier, "lstm_input_std", None, {}),
    (RNNClassifier, "lstm_strands", "forward", {"lstm_strands": "forward"}),
    (CNNRNNClassifier, "max_shift", 0, {"max_shift": 0}),
])
def test_a_file_saved_before_a_parameter_existed_loads_with_what_its_model_had(
        motif_data, tmp_path, cls, name, then, trained):
    """RNN files of 0.3 before ``lstm_input_std`` were trained with torch's
    input weights, before ``lstm_strands`` with DeMo's bidirectional LSTM;
    CNN-RNN files before ``max_shift`` without shifts:
    loaded, they say so, not the new default, and predict as they did."""
    clf = cls(hidden_size=4, max_epochs=1, verbose=0, **trained).fit(
        motif_data.X, motif_data.y)
    path = save_model(clf, tmp_path / "m.pt")
    payload = torch.load(path, weights_only=True)
    params = json.loads(payload["params"])
    del params[name]
    payload["params"] = json.dumps(params)
    torch.save(payload, path)
    loaded = load_model(path)
    assert getattr(loaded, name) == then
    np.testing.assert_array_equal(loaded.predict_proba(motif_data.X[:20]),
                                  clf.predict_proba(motif_data.X[:20]))
