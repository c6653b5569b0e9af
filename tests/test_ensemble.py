"""Seed ensembles (``ensemble_size``): members trained as if alone, averaged."""
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, RNNClassifier, TemporalScorer, load_model, save_model,
)
from sklearn_demo.encoding import one_hot_encode
from sklearn_demo.ensemble import SeedEnsemble
from sklearn_demo.explain.filters import first_layer_pwms
from sklearn_demo.training import MemberGradientClipping

SMALL = {CNNClassifier: dict(n_filters=8), RNNClassifier: dict(hidden_size=4),
         CNNRNNClassifier: dict(n_filters=8, hidden_size=4)}


def small(cls, **params):
    return cls(**{"max_epochs": 2, "batch_size": 64, "validation_fraction": 0.0,
                  "verbose": 0, "random_state": 0, **SMALL[cls], **params})


@pytest.fixture(scope="module")
def ensemble(motif_data):
    return small(CNNRNNClassifier, ensemble_size=3).fit(motif_data.X[:300], motif_data.y[:300])


def initialized(clf, X, y):
    """``clf`` set up for (X, y), untrained."""
    clf._draw_seed()
    clf._prepare_fit(X, y, reset=True)
    with clf._seeded():
        return clf.initialize()


def _member_logits(clf, X):
    x = torch.as_tensor(one_hot_encode(X))
    with torch.no_grad():
        return torch.stack([member.eval()(x) for member in clf.module_.members], 1).numpy()


def test_members_start_apart_and_the_prediction_is_their_mean_log_odds(ensemble, motif_data):
    members = ensemble.module_.members
    assert isinstance(ensemble.module_, SeedEnsemble) and len(members) == 3
    first = [m.conv.weight for m in members]
    assert not torch.allclose(first[0], first[1]) and not torch.allclose(first[1], first[2])
    logits = _member_logits(ensemble, motif_data.X[:20])
    np.testing.assert_allclose(ensemble.decision_function(motif_data.X[:20]), logits.mean(1),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ensemble.predict_proba(motif_data.X[:20])[:, 1],
                               1 / (1 + np.exp(-logits.mean(1))), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", list(SMALL))
def test_each_member_gets_the_gradient_it_would_get_alone(cls, motif_data):
    """One step of the ensemble's loss gives member k the gradient of its own
    loss, divided by the number of members (dropout off, same batch)."""
    X, y = one_hot_encode(motif_data.X[:64]), motif_data.y[:64].astype(np.float32)
    clf = initialized(small(cls, ensemble_size=2, dropout=0.0), X, y)
    clf.module_.train()
    loss = clf.get_loss(clf.infer(torch.as_tensor(X)), torch.as_tensor(y))
    loss.backward()
    for member in clf.module_.members:
        alone = initialized(small(cls, dropout=0.0, ensemble_size=1), X, y)
        alone.module_.load_state_dict(member.state_dict())
        alone.module_.train()
        alone.get_loss(alone.infer(torch.as_tensor(X)), torch.as_tensor(y)).backward()
        for mine, solo in zip(member.parameters(), alone.module_.parameters()):
            torch.testing.assert_close(mine.grad, solo.grad / 2, rtol=1e-4, atol=1e-6)


def test_each_member_is_clipped_on_its_own():
    members = [torch.nn.Linear(3, 1), torch.nn.Linear(3, 1)]
    ensemble = SeedEnsemble(members)
    for scale, member in zip((10.0, 0.01), members):
        for parameter in member.parameters():
            parameter.grad = torch.full_like(parameter, scale)
    net = type("Net", (), {"module_": ensemble})()
    MemberGradientClipping(gradient_clip_value=1.0).on_grad_computed(
        net, ensemble.named_parameters())
    norms = [torch.cat([p.grad.ravel() for p in m.parameters()]).norm() for m in members]
    # threshold 1 / 2 members: the large one clipped to it, the small one untouched
    assert norms[0] == pytest.approx(0.5) and norms[1] == pytest.approx(0.02)


def test_round_trips_clones_and_keeps_its_parameter(ensemble, motif_data, tmp_path):
    save_model(ensemble, tmp_path / "ensemble.pt")
    loaded = load_model(tmp_path / "ensemble.pt")
    np.testing.assert_allclose(loaded.predict_proba(motif_data.X[:10]),
                               ensemble.predict_proba(motif_data.X[:10]), rtol=1e-6, atol=1e-7)
    assert clone(ensemble).get_params()["ensemble_size"] == 3
    assert CNNClassifier().ensemble_size == RNNClassifier().ensemble_size == 1
    assert CNNRNNClassifier().ensemble_size == 2
    assert type(small(CNNClassifier).fit(motif_data.X[:100], motif_data.y[:100]).module_
                ).__name__ == "DeMoCNN"


def test_explainers_read_the_ensemble_as_the_mean_of_its_members(ensemble, motif_data):
    """TemporalScorer's full-length score is the ensemble's probability;
    the filter logos cover every member's filters."""
    X = motif_data.X[:4]
    scores = TemporalScorer(FrozenEstimator(ensemble)).fit(X).transform(X)
    np.testing.assert_allclose(scores[:, 0, -1], ensemble.predict_proba(X)[:, 1], rtol=1e-5, atol=1e-6)
    pwms, _ = first_layer_pwms(FrozenEstimator(ensemble), motif_data.X[:100])
    assert len(pwms) == 3 * 8


def test_one_task_of_a_multitask_ensemble(motif_data):
    Y = np.column_stack([motif_data.y[:200], 1 - motif_data.y[:200]])
    clf = small(CNNClassifier, ensemble_size=2).fit(motif_data.X[:200], Y)
    one = clf.task_classifier("task_1")
    np.testing.assert_allclose(one.predict_proba(motif_data.X[:5])[:, 1],
                               clf.predict_proba(motif_data.X[:5])[:, 1], rtol=1e-5, atol=1e-6)


def test_bad_ensemble_size_is_named(motif_data):
    with pytest.raises(ValueError, match="ensemble_size"):
        small(CNNClassifier, ensemble_size=0).fit(motif_data.X[:50], motif_data.y[:50])
