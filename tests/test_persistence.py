import json
from pathlib import Path

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
    monkeypatch.setattr(persistence, "_package_version", lambda: "0.0.9")
    with pytest.raises(ValueError, match=r"saved by sklearn_demo .*, newer than this 0.0.9; "
                                         r"upgrade"):
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


MODEL_FILES = Path(__file__).parent / "model_files"
#: One folder per earlier model-file layout, each holding a tiny CNN, RNN and
#: CNN-RNN saved by the package as it was (make_model_files.py, run in a
#: checkout of that commit) and the probabilities they gave then.
LAYOUTS = sorted(path.name for path in MODEL_FILES.iterdir() if path.is_dir())
CLASSES = (CNNClassifier, RNNClassifier, CNNRNNClassifier)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_model_files_of_every_earlier_layout_load_with_their_probabilities(layout, cls):
    """0.1.0 (DeMo's pooling), 0.2.0, and three 0.3.0 layouts: before the
    early-stopping and shift parameters, before the both-strand CNN
    defaults, before the CNN-RNN's seed-ensemble default."""
    folder = MODEL_FILES / layout
    then = json.loads((folder / f"{cls.__name__}.json").read_text())
    model = load_model(folder / f"{cls.__name__}.pt")
    assert type(model) is cls
    assert [str(c) for c in model.classes_] == then["classes"]
    np.testing.assert_allclose(model.predict_proba(then["sequences"])[:, 1],
                               then["probability"], rtol=0, atol=1e-6)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_parameter_is_in_the_oldest_model_file_or_in_the_table(cls):
    """A parameter added to a class needs the value its earlier model files
    were trained with in ``PARAMETERS_BEFORE_THEY_EXISTED``; without one,
    this fails (those files would load with the new default)."""
    payload = torch.load(MODEL_FILES / LAYOUTS[0] / f"{cls.__name__}.pt", weights_only=True)
    assert payload["package_version"] == "0.1.0"
    oldest = set(json.loads(payload["params"]))
    constructor = set(cls().get_params(deep=False)) - cls._NOT_SAVED
    table = set(persistence.parameters_before_they_existed(cls.__name__))
    assert constructor - oldest - table == set()
    assert table <= constructor, "an entry for a parameter the class no longer has"
