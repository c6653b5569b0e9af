"""
The three DeMo visualisations on a real ChIP-seq dataset
========================================================

Train DeMo's CNN-RNN on REST (NRSF) ChIP-seq peaks from ENCODE (GM12878)
and ask what it learned:

* ``SaliencyExplainer``: which bases of a bound sequence the prediction is
  most sensitive to;
* ``TemporalScorer``: how the prediction builds up as the recurrent layer
  reads the sequence forward and backward;
* ``ClassOptimizer``: the input the model would most like to see, compared
  with JASPAR. REST's motif (the 21-bp RE1/NRSE) should be among the matches.

The data come through ``fetch_deepbind_encode`` (downloaded once and
checked; set ``SKLEARN_DEMO_MIRROR`` to a local copy to work offline).
Set ``SKLEARN_DEMO_FAST=1`` for a short run on a subset (used by the tests).
"""
import os

import matplotlib

matplotlib.use("Agg")
import numpy as np
from sklearn.frozen import FrozenEstimator

from sklearn_demo import (
    ClassOptimizer, CNNRNNClassifier, SaliencyExplainer, TemporalScorer, fetch_deepbind_encode,
)
from sklearn_demo.plotting import plot_motif, plot_saliency, plot_temporal_scores

fast = os.environ.get("SKLEARN_DEMO_FAST") == "1"

# %%
# REST: 6,406 peaks and as many shuffles for training, 1,000 test sequences.
data = fetch_deepbind_encode("REST", random_state=0)
rows = np.random.RandomState(0).permutation(len(data.X_train))[:800 if fast else None]
clf = CNNRNNClassifier(max_epochs=1 if fast else 15, random_state=0, verbose=0)
clf.fit(data.X_train[rows], data.y_train[rows])
print(f"test AUC {clf.score(data.X_test, data.y_test):.3f} "
      f"(accuracy; ROC AUC is in the benchmarks)")
frozen = FrozenEstimator(clf)

# %%
# The bound test sequence the model is surest about.
scores = clf.predict_proba(data.X_test)[:, 1]
best = int(np.argmax(np.where(data.y_test == 1, scores, -1)))
sequence = data.X_test[best]

# %%
# Saliency map: tall letters are where a change would move the score most.
saliency = SaliencyExplainer(frozen).fit(data.X_test).transform([sequence])[0]
plot_saliency(saliency, sequence, title=f"REST test sequence {best}: saliency").savefig(
    "real_saliency.png", dpi=100)

# %%
# Temporal output scores: the forward curve jumps where the model has read
# the site from the left, the backward curve where it has read it from the right.
temporal = TemporalScorer(frozen).fit(data.X_test).transform([sequence])[0]
plot_temporal_scores(temporal, sequence, title="temporal output scores").savefig(
    "real_temporal.png", dpi=100)

# %%
# Class optimisation and its best JASPAR matches.
optimizer = ClassOptimizer(frozen, n_iter=30 if fast else 1000,
                           n_restarts=2 if fast else 8).fit(data.X_test)
matches = optimizer.match(n_matches=5)[0]
print("class optimisation, best restart:", [(m.name, f"{m.p_value:.1e}") for m in matches])
plot_motif(optimizer.motifs_[0], matches=matches, title="REST model: class optimisation").savefig(
    "real_class_optimisation.png", dpi=100)
