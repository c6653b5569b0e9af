"""
Do the networks beat the k-mer baselines?
=========================================

A deep model is worth its cost only if it beats the classical baselines on
the same split. This example trains DeMo's CNN and CNN-RNN beside a k-mer
spectrum logistic regression (``KmerClassifier``) and a gapped-k-mer SVM
(``GappedKmerSVC``, gkm-SVM on ``gkmsvm-lite``) on one real ENCODE ChIP-seq
set (CTCFL in K562), with DeMo's protocol: training peaks plus
dinucleotide-shuffled negatives, testing once on the held-out set.

The data come through ``fetch_deepbind_encode`` (downloaded once and
checked; set ``SKLEARN_DEMO_MIRROR`` to a local copy to work offline).
Set ``SKLEARN_DEMO_FAST=1`` for a short run on a subset (used by the tests).
"""
import os
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np
from sklearn.metrics import roc_auc_score

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, GappedKmerSVC, KmerClassifier, fetch_deepbind_encode,
)
from sklearn_demo.plotting import plot_roc_pr

fast = os.environ.get("SKLEARN_DEMO_FAST") == "1"

# %%
# CTCFL: 11,033 training peaks (22,066 with their shuffles), 1,000 test
# sequences. gkm-SVM's kernel grows with the square of the training set, so
# it gets a random subset of 2,000 sequences (300 in fast mode).
data = fetch_deepbind_encode("CTCFL", random_state=0)
rng = np.random.RandomState(0)
subset = rng.choice(len(data.X_train), 600 if fast else len(data.X_train), replace=False)
gkm_subset = subset[:300 if fast else 2000]
epochs = 1 if fast else 15
models = {
    "k-mer (k=6) + logistic regression": (KmerClassifier(k=6), subset),
    "gkm-SVM (l=11, k=7, d=3)": (GappedKmerSVC(), gkm_subset),
    "CNN (DeMo)": (CNNClassifier(max_epochs=epochs, random_state=0, verbose=0), subset),
    "CNN-RNN (DeMo)": (CNNRNNClassifier(max_epochs=epochs, random_state=0, verbose=0), subset),
}

# %%
# Fit each on its training subset and score the same test set.
curves = {}
for name, (model, rows) in models.items():
    start = time.perf_counter()
    model.fit(data.X_train[rows], data.y_train[rows])
    score = model.predict_proba(data.X_test)[:, 1]
    curves[name] = (data.y_test, score)
    print(f"{name:38s} test AUC {roc_auc_score(data.y_test, score):.3f} "
          f"({len(rows)} training sequences, {time.perf_counter() - start:.0f} s)")
print(f"DeepBind's published test AUC on this set: {data.deepbind_auc}")

# %%
# ROC and precision-recall curves on the test set.
plot_roc_pr(curves).savefig("baselines_comparison.png", dpi=100)
