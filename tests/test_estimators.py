"""The three classifiers under scikit-learn's contract, on tiny models."""
import pickle

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks
from skorch.callbacks import Callback
from skorch.helper import predefined_split
from skorch.dataset import Dataset

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, DNAEncoder, KmerClassifier, RNNClassifier,
)
from sklearn_demo.encoding import one_hot_encode
from sklearn_demo.networks import StrandPairedConv1d

TINY = {
    CNNClassifier: dict(n_filters=16),
    RNNClassifier: dict(hidden_size=8),
    # one network: these tests look at a network's layers; the default ensemble of
    # two is checked below (scikit-learn's checks with the defaults) and in
    # test_ensemble.py
    CNNRNNClassifier: dict(n_filters=16, hidden_size=8, ensemble_size=1),
}
CLASSES = list(TINY)


def tiny(cls, **params):
    """A small, quick, seeded model of class ``cls``."""
    defaults = dict(max_epochs=20, batch_size=64, validation_fraction=0.0, verbose=0,
                    random_state=0)
    return cls(**{**defaults, **TINY[cls], **params})


FLOAT32_ROUNDING = (
    "float32 forward passes differ in the last bit (~3e-7) with batch composition and "
    "row order; the check's rtol of 1e-7 is below float32 resolution"
)
EXPECTED_FAILURES = {
    "check_no_attributes_set_in_init":
        "skorch's NeuralNet.__init__ sets history_, initialized_ and virtual_params_",
    "check_set_params":
        "skorch keeps _params_to_validate as a parameter; setting it to a float breaks skorch",
    "check_classifiers_classes":
        "its string labels 'one' and 'two' name no positive class: the classifiers refuse "
        "such a pair without pos_label (test_labels.py)",
    "check_methods_subset_invariance": FLOAT32_ROUNDING,
    "check_methods_sample_order_invariance": FLOAT32_ROUNDING,
}


@parametrize_with_checks([tiny(cls) for cls in CLASSES],
                         expected_failed_checks=lambda est: EXPECTED_FAILURES)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


WITH_THE_DEFAULTS = {name: EXPECTED_FAILURES[name]
                   for name in ("check_no_attributes_set_in_init", "check_set_params",
                                "check_classifiers_classes")}


@parametrize_with_checks([cls(verbose=0, max_epochs=5) for cls in CLASSES],
                         expected_failed_checks=lambda est: WITH_THE_DEFAULTS)
def test_sklearn_estimator_checks_with_the_defaults(estimator, check):
    """The networks as a user builds them (verbose off; 5 epochs instead of
    50, the only change, to keep the suite fast: every check passes at 5, and
    they ran 97 s of the suite at 50): the checks' tiny data get no
    validation split (early_stopping="auto"), so only the two skorch-inherent
    checks and the one with unnamed string labels fail. The float32 rounding
    cases pass here."""
    check(estimator)


@pytest.mark.parametrize("cls", CLASSES)
def test_small_data_trains_without_a_split_and_says_so(cls, capsys):
    X = ["ACGTACGTAC", "TTTTGGGGCC", "ACGTTTGGAA", "GGGGCCCCAA"] * 3
    y = [0, 1, 1, 0] * 3
    clf = cls(max_epochs=2, verbose=1, **TINY[cls]).fit(X, y)
    assert not clf.validating_ and len(clf.history) == 2
    assert "no validation split: validation_fraction=0.1" in capsys.readouterr().out
    with pytest.raises(ValueError, match="validation_fraction=0.1 of the 6 sequences .* holds "
                                         "none of them"):
        cls(max_epochs=1, verbose=0, early_stopping=True, **TINY[cls]).fit(X, y)


def test_enough_data_validates_and_stops_early(motif_data):
    clf = CNNClassifier(n_filters=4, max_epochs=30, patience=2, verbose=0, random_state=0)
    clf.fit(motif_data.X, motif_data.y)
    assert clf.validating_ and "valid_loss" in clf.history[-1]


def test_learns_planted_motifs_and_maps_any_two_labels(motif_data):
    # Label mapping is shared code; each architecture's learning is checked
    # on real data in test_integration.py. Adam at DeMo's 1e-2 learns these 450
    # sequences in 8 epochs from 6 of 8 seeds, at 3e-3 from all 8.
    labels = np.where(motif_data.y == 1, "bound", "unbound")
    clf = tiny(CNNClassifier, max_epochs=8, lr=3e-3).fit(motif_data.X[:450], labels[:450])
    assert clf.classes_.tolist() == ["bound", "unbound"]
    proba = clf.predict_proba(motif_data.X[450:])
    assert proba.shape == (150, 2)
    np.testing.assert_allclose(proba.sum(1), 1, rtol=1e-6, atol=1e-9)
    # classes_[1] == "unbound": column 1 must rank unbound sequences high.
    assert roc_auc_score(labels[450:] == "unbound", proba[:, 1]) > 0.75
    assert set(clf.predict(motif_data.X[450:])) <= {"bound", "unbound"}
    np.testing.assert_allclose(clf.decision_function(motif_data.X[450:]),
                               np.log(proba[:, 1] / proba[:, 0]), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("cls", CLASSES)
def test_strings_and_one_hot_give_the_same_model(cls, motif_data):
    a = tiny(cls, max_epochs=2).fit(motif_data.X, motif_data.y)
    b = tiny(cls, max_epochs=2).fit(one_hot_encode(motif_data.X), motif_data.y)
    np.testing.assert_array_equal(a.predict_proba(motif_data.X[:20]),
                                  b.predict_proba(one_hot_encode(motif_data.X[:20])))


@pytest.mark.parametrize("cls", CLASSES)
def test_fixed_seed_reproduces_and_leaves_global_rng_alone(cls, motif_data):
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = tiny(cls, max_epochs=2, validation_fraction=0.2).fit(motif_data.X, motif_data.y)
    assert torch.rand(1) == before
    b = tiny(cls, max_epochs=2, validation_fraction=0.2).fit(motif_data.X, motif_data.y)
    np.testing.assert_array_equal(a.predict_proba(motif_data.X), b.predict_proba(motif_data.X))
    c = tiny(cls, max_epochs=2, random_state=1).fit(motif_data.X, motif_data.y)
    assert not np.array_equal(a.predict_proba(motif_data.X), c.predict_proba(motif_data.X))


@pytest.mark.parametrize("cls", CLASSES)
def test_pickle_round_trip_gives_identical_probabilities(cls, motif_data, tmp_path):
    clf = tiny(cls, max_epochs=1).fit(motif_data.X, motif_data.y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(motif_data.X), clf.predict_proba(motif_data.X))
    joblib.dump(clf, tmp_path / "model.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "model.joblib").predict_proba(motif_data.X),
                                  clf.predict_proba(motif_data.X))


@pytest.mark.parametrize("cls", CLASSES)
def test_clone_and_params(cls):
    clf = tiny(cls, lr=0.003)
    params = clf.get_params(deep=False)
    assert params["lr"] == 0.003 and params["random_state"] == 0
    clone_params = clone(clf).get_params(deep=False)
    assert clone_params.keys() == params.keys()
    assert all(clone_params[k] is params[k] or clone_params[k] == params[k]
               for k in ("lr", "max_epochs", "validation_fraction", "dropout"))
    clf.set_params(dropout=0.1, max_epochs=3)
    assert clf.dropout == 0.1 and clf.max_epochs == 3
    with pytest.raises(NotFittedError):
        tiny(cls).predict_proba(["ACGT"])


def test_cnn_keeps_demos_layers_and_training_and_demos_recipe_stays_reachable(motif_data):
    """DeMo's layers and training; both strands and the max-and-mean pool
    are the CNN's own defaults, and DeMo's recipe is three parameters away."""
    clf = CNNClassifier()
    assert (clf.lr, clf.batch_size, clf.max_epochs, clf.clip_norm, clf.lr_step, clf.lr_decay) == \
        (0.01, 256, 50, 5.0, 10, 0.5)
    assert clf.optimizer is torch.optim.Adam
    assert (clf.n_filters, clf.filter_widths, clf.pool_size, clf.dropout) == (128, (9, 5, 3), 2, 0.5)
    assert (clf.filter_strands, clf.global_pool, clf.reverse_complement) == (
        "auto", "max+mean", "auto")
    assert CNNRNNClassifier().filter_width == 9
    assert not CNNRNNClassifier().reverse_complement and not RNNClassifier().reverse_complement
    default = tiny(CNNClassifier, max_epochs=1).fit(motif_data.X[:64], motif_data.y[:64])
    assert isinstance(default.module_.features[0], StrandPairedConv1d)
    assert default.module_.global_pool == "max+mean" and default.reads_both_strands(4)
    demo = tiny(CNNClassifier, max_epochs=1, filter_strands="forward", global_pool="max",
                reverse_complement=False).fit(motif_data.X[:64], motif_data.y[:64])
    assert type(demo.module_.features[0]) is torch.nn.Conv1d
    assert demo.module_.global_pool == "max" and not demo.reads_both_strands(4)


@pytest.mark.parametrize("cls", [RNNClassifier, CNNRNNClassifier])
def test_recurrent_defaults_differ_from_demo_and_demo_recipe_stays_reachable(cls, motif_data):
    """The defaults that learn (see the classes' docstrings); DeMo's recipe by parameters."""
    clf = cls()
    assert (clf.lstm_pool, clf.lr) == ("max", 3e-3)
    assert clf.batch_size == (32 if cls is RNNClassifier else 64)
    demo = {"lstm_pool": "mean", "lr": 0.01, "batch_size": 256}
    if cls is RNNClassifier:
        assert clf.hidden_size == 128  # DeMo's 32 is set like any parameter
        assert clf.lstm_input_std == 1.0  # DeMo's (torch's) input weights: None
        assert clf.lstm_strands == "auto"  # DeMo's bidirectional LSTM: "forward"
        demo.update(lstm_input_std=None, lstm_strands="forward")
    else:
        assert (clf.hidden_size, clf.pool_size, clf.filter_strands) == (32, 4, "auto")
        assert clf.max_shift == "auto"  # DeMo: 0
        assert clf.ensemble_size == 2  # DeMo: 1, one network
        demo.update(pool_size=1, filter_strands="forward", max_shift=0, ensemble_size=1)
    recipe = tiny(cls, max_epochs=1, **demo).fit(motif_data.X[:64], motif_data.y[:64])
    head = recipe.module_.recurrent
    assert head.lstm_pool == "mean" and recipe.module_.positions_per_step == 1
    assert head.lstm.bidirectional
    if cls is CNNRNNClassifier:
        assert type(recipe.module_.conv) is torch.nn.Conv1d
        default = tiny(cls, max_epochs=1, ensemble_size=2).fit(motif_data.X[:64],
                                                               motif_data.y[:64])
        members = default.module_.members
        assert len(members) == 2 and all(  # filters on both strands of DNA ("auto")
            isinstance(member.conv, StrandPairedConv1d) for member in members)
    assert head.lstm.hidden_size == TINY[cls]["hidden_size"]
    if cls is RNNClassifier:  # torch's bound, 1/sqrt(hidden_size) (+ one Adam step of 0.01),
        # against a standard deviation of 1 by default
        bound = 1 / TINY[cls]["hidden_size"] ** 0.5 + 0.01
        assert float(head.lstm.weight_ih_l0.abs().max()) <= bound
        default = tiny(cls, max_epochs=1).fit(motif_data.X[:64], motif_data.y[:64])
        assert float(default.module_.recurrent.lstm.weight_ih_l0.abs().max()) > 1
        message = r"'lstm_input_std' must be a number in \(0, inf\) or None, got 0.0"
        with pytest.raises(ValueError, match=message):
            tiny(cls, lstm_input_std=0.0).fit(motif_data.X[:64], motif_data.y[:64])
    with pytest.raises(ValueError, match="'lstm_pool' must be one of"):
        tiny(cls, lstm_pool="sum").fit(motif_data.X[:64], motif_data.y[:64])


def test_module_hyperparameters_reach_the_module(motif_data):
    clf = tiny(CNNClassifier, n_filters=6, filter_widths=(5, 3), max_epochs=1)
    clf.fit(motif_data.X[:100], motif_data.y[:100])
    convs = [m for m in clf.module_.features if isinstance(m, torch.nn.Conv1d)]
    assert [(c.out_channels, c.kernel_size[0]) for c in convs] == [(6, 5), (6, 3)]
    # skorch's own module__ route overrides the named parameter.
    clf.set_params(module__n_filters=3).fit(motif_data.X[:100], motif_data.y[:100])
    assert clf.module_.output.in_features == 2 * 3  # the maximum and the mean of each map


def test_pipeline_grid_search_and_cross_validate(motif_data):
    X, y = motif_data.X[:300], motif_data.y[:300]
    pipe = make_pipeline(DNAEncoder(), tiny(CNNClassifier, max_epochs=4))
    for n_jobs in (1, 2):
        search = GridSearchCV(pipe, {"cnnclassifier__n_filters": [4, 8]}, cv=2,
                              scoring="roc_auc", n_jobs=n_jobs).fit(X, y)
        assert search.best_params_["cnnclassifier__n_filters"] in (4, 8)
        assert search.predict_proba(X[:5]).shape == (5, 2)
    scores = cross_validate(tiny(RNNClassifier, max_epochs=2), X, y, cv=3, scoring="roc_auc")
    assert scores["test_score"].shape == (3,)


def test_grid_search_reproduces_across_n_jobs(motif_data):
    X, y = motif_data.X[:200], motif_data.y[:200]
    grid = {"hidden_size": [4, 8]}
    results = [GridSearchCV(tiny(RNNClassifier, max_epochs=2), grid, cv=2, scoring="roc_auc",
                            n_jobs=n_jobs).fit(X, y).cv_results_["mean_test_score"]
               for n_jobs in (1, 2)]
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-6)


def test_validation_split_early_stopping_and_best_epoch(motif_data):
    from skorch.dataset import ValidSplit

    clf = tiny(CNNClassifier, max_epochs=30, validation_fraction=0.25, patience=2, lr=0.05)
    clf.fit(motif_data.X, motif_data.y)
    valid_loss = clf.history[:, "valid_loss"]
    assert "valid_auc" in clf.history[0]
    assert len(valid_loss) < 30  # stopped early
    # The split is the seeded stratified one; on it, the restored module's
    # loss is the best epoch's, not the last one's.
    dataset = Dataset(one_hot_encode(motif_data.X), motif_data.y.astype(np.float32))
    _, valid = ValidSplit(0.25, stratified=True, random_state=clf.random_seed_)(
        dataset, motif_data.y)
    X_valid = one_hot_encode(motif_data.X[valid.indices])
    y_valid = torch.as_tensor(motif_data.y[valid.indices], dtype=torch.float32)
    with torch.no_grad():
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            clf.module_.eval()(torch.as_tensor(X_valid)), y_valid).item()
    assert loss == pytest.approx(min(valid_loss), rel=1e-4)
    assert min(valid_loss) < valid_loss[-1]


def test_predefined_split_takes_precedence(motif_data):
    valid = Dataset(one_hot_encode(motif_data.X[:100]), motif_data.y[:100].astype(np.float32))
    clf = tiny(CNNClassifier, max_epochs=2, train_split=predefined_split(valid))
    clf.fit(motif_data.X[100:], motif_data.y[100:])
    assert "valid_loss" in clf.history[-1]


def test_reverse_complement_augments_and_averages(motif_data):
    clf = tiny(CNNClassifier, max_epochs=2, reverse_complement=True)
    clf.fit(motif_data.X[:200], motif_data.y[:200])
    X = one_hot_encode(motif_data.X[:20])
    rc = np.ascontiguousarray(X[:, ::-1, ::-1])
    # Averaging over both strands makes the score strand-symmetric.
    np.testing.assert_allclose(clf.predict_proba(X), clf.predict_proba(rc), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="needs DNA input with 4 channels"):
        tiny(CNNClassifier, reverse_complement=True).fit(np.random.rand(10, 3), [0, 1] * 5)


def test_reverse_complement_keeps_both_strands_on_one_side_of_the_split(motif_data):
    clf = tiny(CNNClassifier, max_epochs=1, reverse_complement=True, validation_fraction=0.2)
    clf.fit(motif_data.X[:200], motif_data.y[:200])
    X_enc, y_enc = clf._prepare_fit(motif_data.X[:200], motif_data.y[:200], reset=False)
    train, valid = clf.get_split_datasets(X_enc, y_enc)
    n = 200
    assert len(valid) == 2 * 40 and len(train) == 2 * 160
    assert not set(np.asarray(train.indices) % n) & set(np.asarray(valid.indices) % n)
    np.testing.assert_array_equal(  # each validation strand's partner is validated too
        np.sort(np.asarray(valid.indices) % n), np.repeat(np.sort(valid.indices[:40]), 2))
    assert y_enc[valid.indices].mean() == pytest.approx(motif_data.y[:200].mean(), abs=0.01)


def test_partial_fit_continues_training(motif_data):
    clf = tiny(CNNClassifier, max_epochs=1)
    clf.partial_fit(motif_data.X[:100], motif_data.y[:100])
    clf.partial_fit(motif_data.X[100:200], motif_data.y[100:200])
    assert len(clf.history) == 2


def test_longer_sequences_are_scored_by_a_model_trained_on_shorter(motif_data):
    clf = tiny(CNNRNNClassifier, max_epochs=1).fit(motif_data.X, motif_data.y)
    longer = [s + s for s in motif_data.X[:4]]
    assert clf.predict_proba(longer).shape == (4, 2)


@pytest.mark.parametrize("params, message", [
    (dict(lr=0), "parameter 'lr' must be a number in \\(0"),
    (dict(max_epochs=0), "'max_epochs' must be an integer"),
    (dict(validation_fraction=1.0), "'validation_fraction'"),
    (dict(dropout=1.5), "'dropout'"),
    (dict(padding="left"), "'padding' must be one of"),
    (dict(reverse_complement="yes"), "'reverse_complement' must be True or False"),
    (dict(precision="float16"), "'precision' must be one of"),
    (dict(filter_widths=(9, 0)), "'filter_widths' must be a non-empty tuple"),
    (dict(n_filters=2.5), "'n_filters' must be an integer"),
    (dict(weight_decay=-1e-4), "'weight_decay' must be a number in \\[0"),
    (dict(max_shift=-1), "'max_shift' must be an integer in \\[0, inf\\]"),
    (dict(max_shift=101), "max_shift=101 would move sequences of length 101 out of their window"),
])
def test_bad_hyperparameters_are_named_at_fit(params, message, motif_data):
    clf = tiny(CNNClassifier, **params)  # construction never validates
    with pytest.raises(ValueError, match=message):
        clf.fit(motif_data.X[:20], motif_data.y[:20])


def test_bfloat16_mixed_precision_keeps_float32_where_it_matters(motif_data):
    clf = tiny(CNNRNNClassifier, precision="bfloat16", max_epochs=3).fit(
        motif_data.X[:200], motif_data.y[:200])
    seen = {}

    def record(name):
        def hook(module, inputs, output):
            seen[name] = (output[0] if isinstance(output, tuple) else output).dtype
        return hook

    clf.module_.conv.register_forward_hook(record("conv"))
    clf.module_.recurrent.lstm.register_forward_hook(record("lstm"))
    proba = clf.predict_proba(motif_data.X[200:260])
    assert seen == {"conv": torch.bfloat16, "lstm": torch.float32}
    assert all(p.dtype == torch.float32 for p in clf.module_.parameters())
    assert proba.dtype == np.float64 and np.allclose(proba.sum(axis=1), 1)
    # Same seed, same data: bfloat16 rounding moves probabilities only a little.
    reference = tiny(CNNRNNClassifier, max_epochs=3).fit(motif_data.X[:200], motif_data.y[:200])
    assert np.abs(proba - reference.predict_proba(motif_data.X[200:260])).max() < 0.05


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message shown without CUDA")
def test_cuda_without_gpu_is_a_clear_error(motif_data):
    with pytest.raises(ValueError, match="torch sees no CUDA device"):
        tiny(CNNClassifier, device="cuda").fit(motif_data.X[:20], motif_data.y[:20])


@pytest.mark.parametrize("X, y, message", [
    (["ACGT", "ACXT"], [0, 1], "Sequence 1 has invalid character 'X' at position 2"),
    (["ACGT", "AC"], [0, 1], "different lengths"),
    (["ACGT", "ACGT"], [1, 1], "exactly two classes, got 1 class"),
    (["ACGT"] * 3, [0, 1, 2], "Only binary classification is supported"),
    (["ACGT"] * 3, [0, 1], "3 sequences but y has 2 labels"),
    (np.full((2, 4, 5), np.nan), [0, 1], "NaN"),
    (np.full((2, 4, 5), 3.0), [0, 1], "within \\[0, 1\\]"),
    (np.zeros((2, 4, 5, 1)), [0, 1], "shape"),
])
def test_bad_input_is_named(X, y, message):
    with pytest.raises(ValueError, match=message):
        tiny(CNNClassifier, max_epochs=1).fit(X, y)


def test_wrong_channel_count_at_predict(motif_data):
    clf = tiny(CNNClassifier, max_epochs=1).fit(motif_data.X[:50], motif_data.y[:50])
    with pytest.raises(ValueError, match="X has 5 features, but CNNClassifier is expecting 4"):
        clf.predict_proba(np.zeros((2, 5, 10)))


@pytest.mark.parametrize("X, message", [
    ([], "X is empty: no sequences given"),
    ("ACGTACGT", "got a single string; wrap it in a list"),
    (np.array(["ACGTACGT", None], dtype=object), "Sequence 1 is a NoneType, expected str"),
    (["ACGTACGT", 7], "Sequence 1 is a int, expected str"),
])
@pytest.mark.parametrize("cls", [CNNClassifier, KmerClassifier])
def test_text_that_is_not_clean_dna_gets_the_packages_own_message(cls, X, message):
    """Not sklearn's "could not convert string to float" or "Expected 2D array"."""
    with pytest.raises((TypeError, ValueError), match=message):
        cls().fit(X, [0, 1])


def test_bytes_are_read_as_ascii_dna():
    X = [b"ACGTACGTAC", b"TTTTGGGGCC"] * 10
    clf = CNNClassifier(n_filters=2, max_epochs=1, verbose=0, validation_fraction=0).fit(
        X, [0, 1] * 10)
    assert clf.predict_proba([b"ACGTACGTAC"]).shape == (1, 2)


def test_the_epoch_table_has_no_colour_codes_in_a_log_file(capsys, motif_data):
    """skorch colours the best values; piped to a file that is noise."""
    CNNClassifier(n_filters=2, max_epochs=2, verbose=1, random_state=0).fit(
        motif_data.X, motif_data.y)
    out = capsys.readouterr().out
    assert "valid_loss" in out and "\x1b[" not in out


def test_train_split_none_keeps_skorchs_meaning(motif_data):
    clf = CNNClassifier(n_filters=2, max_epochs=2, verbose=0, train_split=None).fit(
        motif_data.X, motif_data.y)
    assert not clf.validating_ and "valid_loss" not in clf.history[-1]
    with pytest.raises(ValueError, match="'train_split' must be one of \\('auto',\\) or a "
                                         "callable or None"):
        CNNClassifier(train_split="yes").fit(motif_data.X, motif_data.y)


class BatchLabels(Callback):
    """Records the labels of every training batch."""

    def initialize(self):
        self.batches = []
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training:
            self.batches.append(np.asarray(batch[1]))


@pytest.mark.parametrize("shuffle", [None, False])
def test_training_batches_are_shuffled_unless_the_user_says_not(shuffle, motif_data):
    """Label-sorted data (positives first) give mixed batches by default;
    ``iterator_train__shuffle=False`` keeps skorch's order, and the default
    adds no parameter."""
    y_all = np.asarray(motif_data.y)
    order = np.concatenate([np.flatnonzero(y_all == 1)[:64], np.flatnonzero(y_all == 0)[:64]])
    X, y = [motif_data.X[i] for i in order], y_all[order]
    extra = {} if shuffle is None else {"iterator_train__shuffle": shuffle}
    recorder = BatchLabels()
    clf = CNNClassifier(n_filters=2, max_epochs=1, batch_size=16, validation_fraction=0,
                        reverse_complement=False, verbose=0, random_state=0,
                        callbacks=[recorder], **extra).fit(X, y)
    first = recorder.batches[0]
    assert len(recorder.batches) == 8
    if shuffle is None:
        assert 0 < first.mean() < 1 and "iterator_train__shuffle" not in clf.get_params()
    else:
        assert first.mean() == 1


@pytest.mark.parametrize("params, expected", [
    (dict(weight_decay=1e-4), 1e-4),
    (dict(weight_decay=1e-4, optimizer__weight_decay=0.1), 0.1),
    (dict(weight_decay=0.0), 0),
])
def test_weight_decay_reaches_the_optimizer_unless_skorchs_route_says_otherwise(
        params, expected, motif_data):
    clf = tiny(CNNRNNClassifier, max_epochs=1, **params).fit(motif_data.X[:50],
                                                              motif_data.y[:50])
    assert all(group["weight_decay"] == expected for group in clf.optimizer_.param_groups)


class ModuleInputs(Callback):
    """Records what the module reads, in training and at prediction."""

    def on_train_begin(self, net, **kwargs):
        self.seen = {True: [], False: []}
        net.module_.register_forward_pre_hook(
            lambda module, args: self.seen[module.training].append(args[0].detach().clone()))


def test_max_shift_moves_training_sequences_only_and_reproducibly(motif_data):
    """The training data hold no N: a moved-in N column is the shift's. Batches
    differ from the unshifted fit's, prediction reads the sequences as given,
    and a seed reproduces the fit."""
    fits = []
    for max_shift in (0, 3, 3):
        recorder = ModuleInputs()
        clf = tiny(CNNRNNClassifier, max_epochs=2, max_shift=max_shift, callbacks=[recorder])
        fits.append(clf.fit(motif_data.X[:200], motif_data.y[:200]))
        padded = [(x[:, :, [0, -1]] == 0.25).all(1).any(1).float().mean() for x in
                  recorder.seen[True]]
        assert (min(padded) > 0.3) == bool(max_shift), padded  # ~4/7 of rows moved in N
        recorder.seen[False].clear()
        clf.predict_proba(motif_data.X[:50])
        assert not (recorder.seen[False][0] == 0.25).all(1).any()
    probas = [clf.predict_proba(motif_data.X[200:300])[:, 1] for clf in fits]
    assert not np.allclose(probas[0], probas[1]) and np.array_equal(probas[1], probas[2])


def test_auto_max_shift_moves_dna_by_up_to_three_and_leaves_numeric_rows_alone(motif_data):
    recorder = ModuleInputs()
    tiny(CNNRNNClassifier, max_epochs=1, max_shift="auto", callbacks=[recorder]).fit(
        motif_data.X[:200], motif_data.y[:200])
    moved_in = torch.cat([(x == 0.25).all(1) for x in recorder.seen[True]])  # (n, L) N columns
    assert moved_in[:, :3].any() and not moved_in[:, 3:-3].any() and moved_in[:, -3:].any()
    rows = np.random.RandomState(0).normal(size=(60, 5)).astype("float32")
    recorder = ModuleInputs()
    tiny(CNNClassifier, max_epochs=1, max_shift="auto", callbacks=[recorder]).fit(
        rows, np.arange(60) % 2)
    seen = torch.cat(recorder.seen[True])[:, :, 0].numpy()
    assert np.allclose(np.sort(seen, axis=0), np.sort(rows, axis=0))


def test_auto_reverse_complement_reads_both_strands_of_dna_only(motif_data):
    """reverse_complement="auto": both strands for DNA, so the score is
    strand-symmetric; one strand for other numeric input."""
    assert CNNRNNClassifier().reverse_complement is False
    clf = tiny(CNNRNNClassifier, max_epochs=1, reverse_complement="auto").fit(
        motif_data.X[:100], motif_data.y[:100])
    X = one_hot_encode(motif_data.X[:10])
    np.testing.assert_allclose(clf.predict_proba(X),
                               clf.predict_proba(np.ascontiguousarray(X[:, ::-1, ::-1])),
                               rtol=1e-5, atol=1e-6)
    numeric = tiny(CNNRNNClassifier, max_epochs=1, reverse_complement="auto").fit(
        np.random.rand(20, 3), [0, 1] * 10)
    assert numeric.predict_proba(np.random.rand(4, 3)).shape == (4, 2)


def test_filter_strands_auto_reads_both_strands_on_dna_only():
    """Five input channels are not DNA: "auto" keeps one-strand filters, and
    "both" is refused by name before any training."""
    X = np.random.RandomState(0).rand(40, 5, 30).astype(np.float32)
    y = np.arange(40) % 2
    clf = tiny(CNNRNNClassifier, max_epochs=1).fit(X, y)
    assert type(clf.module_.conv) is torch.nn.Conv1d
    with pytest.raises(ValueError, match="filter_strands='both' needs DNA input with the 4 "
                                         "channels A, C, G, T; got 5 channels"):
        tiny(CNNRNNClassifier, max_epochs=1, filter_strands="both").fit(X, y)


def test_lstm_strands_reads_both_strands_of_dna_and_scores_them_alike(motif_data):
    """lstm_strands="both" (and "auto" on DNA): one LSTM reads each strand,
    so a sequence and its reverse complement get one probability; "auto"
    keeps DeMo's bidirectional LSTM with chrono gates and on other input, and
    "both" is refused there by name."""
    from sklearn_demo.encoding import reverse_complement

    X = motif_data.X[:60]
    clf = tiny(RNNClassifier, max_epochs=1, lstm_strands="auto").fit(X, motif_data.y[:60])
    assert not clf.module_.recurrent.lstm.bidirectional
    np.testing.assert_allclose(clf.predict_proba(X),
                               clf.predict_proba([reverse_complement(s) for s in X]), atol=1e-6)
    # chrono gates are for an order of motifs along one strand: "auto" keeps one
    assert tiny(RNNClassifier, max_epochs=1, lstm_timescale=50).fit(
        X, motif_data.y[:60]).module_.recurrent.lstm.bidirectional
    numeric = np.random.RandomState(0).rand(40, 5, 30).astype(np.float32)
    y = np.arange(40) % 2
    assert tiny(RNNClassifier, max_epochs=1, lstm_strands="auto").fit(
        numeric, y).module_.recurrent.lstm.bidirectional
    with pytest.raises(ValueError, match="lstm_strands='both' needs DNA input with the 4 "
                                         "channels A, C, G, T; got 5 channels"):
        tiny(RNNClassifier, max_epochs=1, lstm_strands="both").fit(numeric, y)
