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


def test_version_mismatch_and_corrupt_files_are_named(motif_data, tmp_path, monkeypatch):
    clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(motif_data.X, motif_data.y)
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


def test_weights_that_do_not_fit_are_refused(motif_data, tmp_path):
    clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(motif_data.X, motif_data.y)
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
