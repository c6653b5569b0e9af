"""Training policy: shift augmentation, learning-rate schedules and the
moving average of the weights."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from skorch.callbacks import Callback
from skorch.dataset import Dataset as SkorchDataset

from sklearn_demo import CNNClassifier, one_hot_encode
from sklearn_demo.training import random_shift


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="ACGT", min_size=12, max_size=12), min_size=1, max_size=8),
       st.integers(0, 5), st.integers(0, 2**31 - 1))
def test_each_sequence_is_its_own_window_moved_by_at_most_max_shift(seqs, max_shift, seed):
    x = torch.as_tensor(one_hot_encode(seqs))
    torch.manual_seed(seed)
    out = random_shift(x, max_shift)
    assert out.shape == x.shape
    for row, original in zip(out.numpy(), seqs):
        letters = "".join("ACGT"[c.argmax()] if c.max() == 1 else "N" for c in row.T)
        assert np.allclose(row[:, [c == "N" for c in letters]], 0.25)
        offset = len(letters) - len(letters.lstrip("N")) or -(len(letters) - len(letters.rstrip("N")))
        assert abs(offset) <= max_shift
        expected = ("N" * offset + original[:len(original) - offset] if offset >= 0
                    else original[-offset:] + "N" * -offset)
        assert letters == expected


def test_offsets_cover_both_directions_and_zero_reproducibly():
    x = torch.as_tensor(one_hot_encode(["ACGTACGTAC"] * 400))
    torch.manual_seed(0)
    first = random_shift(x, 2)
    torch.manual_seed(0)
    assert torch.equal(first, random_shift(x, 2))
    leading, trailing = (first[:, :, 0] == 0.25).all(1), (first[:, :, -1] == 0.25).all(1)
    # offsets -2..2 equally likely: about 2/5 each side, 1/5 unmoved
    assert 0.3 < leading.float().mean() < 0.5 and 0.3 < trailing.float().mean() < 0.5
    assert 0.1 < (~leading & ~trailing).float().mean() < 0.3


def test_no_shift_and_other_alphabets_fill_with_their_unknown_letter():
    x = torch.eye(5)[None]
    assert torch.equal(random_shift(x, 0), x)
    torch.manual_seed(3)
    moved = random_shift(x.expand(20, 5, 5), 1)
    assert ((moved == 0.2) | (moved == 0) | (moved == 1)).all()
    assert (moved == 0.2).all(1).any()  # a moved-in position reads 1/5 in all five channels


def _epoch_rates(motif_data, n=300, **params):
    """Learning rate of each epoch of a small CNN fit on ``n`` sequences, and
    the loss the plateau schedule watches (validation loss, else training
    loss)."""
    clf = CNNClassifier(n_filters=4, max_epochs=6, verbose=0, random_state=0, **params)
    history = clf.fit(motif_data.X[:n], motif_data.y[:n]).history_
    watched = "valid_loss" if clf.validating_ else "train_loss"
    return history[:, "event_lr"], history[:, watched]


def test_step_schedule_is_demos_halving(motif_data):
    rates, _ = _epoch_rates(motif_data, lr=0.01, lr_step=2)
    assert rates == pytest.approx([0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025])


def test_cosine_schedule_anneals_over_lr_step_epochs_then_restarts(motif_data):
    rates, _ = _epoch_rates(motif_data, lr=0.01, lr_schedule="cosine", lr_step=4)
    half_cosine = [0.01 * (1 + math.cos(math.pi * (e % 4) / 4)) / 2 for e in range(6)]
    assert rates == pytest.approx(half_cosine)


@pytest.mark.parametrize("early_stopping, n", [(True, 300), (False, 300), ("auto", 60)])
def test_plateau_schedule_decays_after_lr_step_epochs_without_improvement(motif_data,
                                                                          early_stopping, n):
    """Replays ReduceLROnPlateau's rule (relative improvement 1e-4) on the
    loss the fit recorded: the validation loss, or the training loss when
    no split is held out (also when "auto" finds too few sequences for
    one); a tiny rate keeps the loss on a plateau."""
    rates, losses = _epoch_rates(motif_data, n, lr=1e-6, lr_schedule="plateau", lr_step=1,
                                 early_stopping=early_stopping)
    expected, rate, best, bad = [], 1e-6, math.inf, 0
    for loss in losses:
        expected.append(rate)
        best, bad = (loss, 0) if loss < best * (1 - 1e-4) else (best, bad + 1)
        if bad > 1:
            rate, bad = rate / 2, 0
    assert rates == pytest.approx(expected) and min(rates) < 1e-6


def test_unknown_schedule_is_refused_by_name(motif_data):
    with pytest.raises(ValueError, match="lr_schedule"):
        CNNClassifier(lr_schedule="linear", max_epochs=1, verbose=0).fit(
            motif_data.X[:50], motif_data.y[:50])


class _WeightLog(Callback):
    """The network's weights when training begins and after every training
    step."""

    def on_train_begin(self, net, **kwargs):
        self.steps = [self._weights(net)]

    def on_batch_end(self, net, training, **kwargs):
        if training:
            self.steps.append(self._weights(net))

    @staticmethod
    def _weights(net):
        return [p.detach().clone() for p in net.module_.parameters()]


def _moving_average(steps, decay):
    """The closed form WeightAveraging implements, from the logged weights."""
    average = steps[0]
    for t, weights in enumerate(steps[1:], start=1):
        d = min(decay, (1 + t) / (10 + t))
        average = [d * a + (1 - d) * w for a, w in zip(average, weights)]
    return average


def _fit_logged(motif_data, **params):
    log = _WeightLog()
    params = {"n_filters": 4, "max_epochs": 3, "batch_size": 64, "ema_decay": 0.6,
              "reverse_complement": False, **params}
    clf = CNNClassifier(verbose=0, random_state=0, callbacks=[("log", log)], **params)
    return clf.fit(motif_data.X[:320], motif_data.y[:320]), log


def test_without_validation_the_fitted_weights_are_the_moving_average(motif_data):
    """Five steps an epoch for three epochs: the warm-up decay (1+t)/(10+t)
    for the first twelve steps, then ``ema_decay``."""
    clf, log = _fit_logged(motif_data, early_stopping=False)
    assert not clf.validating_ and len(log.steps) == 16
    expected = _moving_average(log.steps, 0.6)
    for weight, average in zip(clf.module_.parameters(), expected):
        torch.testing.assert_close(weight.detach(), average)
    assert not all(torch.equal(w, r) for w, r in zip(expected, log.steps[-1]))


def test_early_stopping_keeps_the_average_of_the_best_epoch(motif_data):
    """Validation scores the average, so the weights early stopping keeps
    are the average at the end of the best epoch, not the raw ones."""
    clf, log = _fit_logged(motif_data, early_stopping=True, patience=2, max_epochs=12, lr=0.03)
    best = dict(clf.callbacks_)["early_stopping"].best_epoch_  # 1-based
    assert best < len(clf.history) < 12  # stopped early, restoring an earlier epoch
    per_epoch = (len(log.steps) - 1) // len(clf.history)  # 288 training sequences: 5
    expected = _moving_average(log.steps[:best * per_epoch + 1], 0.6)
    for weight, average in zip(clf.module_.parameters(), expected):
        torch.testing.assert_close(weight.detach(), average)
    assert dict(clf.callbacks_)["weight_averaging"].average_ is None  # no second copy kept


@pytest.mark.parametrize("decay", [0.0, 1.0, 1.5])
def test_ema_decay_outside_the_open_interval_is_refused_by_name(motif_data, decay):
    with pytest.raises(ValueError, match="ema_decay"):
        CNNClassifier(ema_decay=decay, max_epochs=1, verbose=0).fit(
            motif_data.X[:50], motif_data.y[:50])


@pytest.mark.parametrize("strands", ["auto", False])
def test_the_validation_auc_is_that_of_predict_proba(motif_data, strands):
    """skorch's per-epoch validation AUC scores what the fitted model's
    ``predict_proba`` gives: both strands averaged where the model reads both."""
    from skorch.helper import predefined_split
    from sklearn.metrics import roc_auc_score

    X_valid, y_valid = motif_data.X[400:], motif_data.y[400:]
    valid = SkorchDataset(one_hot_encode(X_valid), y_valid.astype(np.float32))
    clf = CNNClassifier(n_filters=4, max_epochs=2, verbose=0, random_state=0,
                        reverse_complement=strands, early_stopping=False,
                        train_split=predefined_split(valid)).fit(motif_data.X[:400],
                                                                 motif_data.y[:400])
    expected = roc_auc_score(y_valid, clf.predict_proba(X_valid)[:, 1])
    assert clf.history[-1, "valid_auc"] == pytest.approx(expected, abs=1e-9)


def test_the_validation_auc_pairs_the_strands_of_a_split_without_another_pass(motif_data):
    """On its own paired split of a both-strands model, each sequence's two
    strands are found in the split and scored once, as predict_proba does."""
    from torch.utils.data import Subset

    from sklearn_demo.encoding import reverse_complement
    from sklearn_demo.training import validation_auc

    clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0, random_state=0).fit(
        motif_data.X[:200], motif_data.y[:200])
    X = one_hot_encode(motif_data.X[:60])
    both = SkorchDataset(np.concatenate([X, reverse_complement(X)]),
                         np.concatenate([motif_data.y[:60]] * 2).astype(np.float32))
    chosen = [5, 65, 7, 67, 1, 61, 30, 90, 44, 104, 12, 72]
    split = Subset(both, chosen)
    y = np.concatenate([motif_data.y[:60]] * 2)[chosen]
    from sklearn.metrics import roc_auc_score

    kept = [i for i in chosen if i < 60]
    expected = roc_auc_score(motif_data.y[kept], clf.predict_proba(motif_data.X[kept])[:, 1])
    assert validation_auc(clf, split, y) == pytest.approx(expected, abs=1e-9)
