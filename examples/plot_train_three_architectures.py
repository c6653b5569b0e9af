"""
Train and compare DeMo's three architectures
============================================

Train the CNN, RNN and CNN-RNN on a synthetic set whose positives carry
planted JASPAR motifs (CTCF and GABPA), then compare their ROC curves on a
held-out test set. Each classifier is a scikit-learn estimator, so the usual
tools (``train_test_split``, metrics, ``RocCurveDisplay``) apply unchanged.

Set ``SKLEARN_DEMO_FAST=1`` for a seconds-long run (used by the test suite).
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.metrics import RocCurveDisplay
from sklearn.model_selection import train_test_split

from sklearn_demo import CNNClassifier, CNNRNNClassifier, RNNClassifier, make_motif_dataset

fast = os.environ.get("SKLEARN_DEMO_FAST") == "1"

# %%
# A planted-motif dataset: half the sequences carry one CTCF and one GABPA
# site each, at known positions (``data.sites``).
data = make_motif_dataset(400 if fast else 3000, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    data.X, data.y, test_size=0.25, stratify=data.y, random_state=0)

# %%
# Train each architecture with its defaults (fewer epochs in fast mode)
# and draw its ROC curve on the test set.
fig, ax = plt.subplots(figsize=(5, 5))
for cls in (CNNClassifier, RNNClassifier, CNNRNNClassifier):
    clf = cls(max_epochs=2 if fast else 20, random_state=0, verbose=0)
    clf.fit(X_train, y_train)
    RocCurveDisplay.from_estimator(clf, X_test, y_test, name=cls.__name__, ax=ax)
ax.plot([0, 1], [0, 1], ls=":", color="grey")
ax.set_title("Planted CTCF + GABPA motifs: test ROC")
fig.tight_layout()
fig.savefig("train_three_architectures.png", dpi=100)
