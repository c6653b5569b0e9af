"""Each architecture trained briefly on a real ENCODE dataset from the mirror."""
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from sklearn_demo import CNNClassifier, CNNRNNClassifier, RNNClassifier, fetch_deepbind_encode

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def rest(mirror, data_home):
    return fetch_deepbind_encode("REST", data_home=data_home, mirror=mirror, random_state=0)


# Bounds: an untrained or broken model scores 0.5 on these balanced test sets
# (peaks vs their own dinucleotide shuffles); DeMo's RNN recipe stays there.
# Each network as a new user builds it (its defaults, at most 12 epochs) on a
# random 3,000 of REST's training sequences, the check (RNN: 0.85);
# measured: see the README ("Benchmarks and results"). Early stopping restores
# the epoch of least validation loss, which was 10 for the CNN and 8 for the
# CNN-RNN (test AUC 0.991 / 0.996), so 12 epochs train the same models as 20.
# The RNN, with its input weights drawn at standard deviation 1 (the default),
# scores 0.957 after 8 epochs (python benchmarks/rnn_diagnosis.py --base input
# --epochs 8; 0.671 with torch's); with torch's it sat on the loss plateau until
# epoch 9-10 and needed 20 (0.984). 10 epochs: 62-89 s here, against 138-161 s
# for 20. Sized for a busy machine: a generous timeout.
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("cls, epochs, bound", [
    (CNNClassifier, 12, 0.9),
    (RNNClassifier, 10, 0.9),
    (CNNRNNClassifier, 12, 0.9),
])
def test_each_architecture_learns_rest_with_its_defaults(rest, cls, epochs, bound):
    keep = np.random.RandomState(0).choice(len(rest.X_train), 3000, replace=False)
    clf = cls(max_epochs=epochs, random_state=0, verbose=0)
    clf.fit(rest.X_train[keep], rest.y_train[keep])
    proba = clf.predict_proba(rest.X_test)
    assert proba.shape == (len(rest.X_test), 2) and np.all((proba >= 0) & (proba <= 1))
    assert roc_auc_score(rest.y_test, proba[:, 1]) > bound

