"""
What did the CNN-RNN learn? Saliency, temporal scores and class optimisation
============================================================================

Train DeMo's CNN-RNN on sequences with planted CTCF and GABPA sites, then
look at it with the three DeMo visualisations: the saliency map of one
positive sequence, the forward and backward temporal output scores as the
model reads it, and the input that class optimisation finds, matched to
JASPAR. The planted sites are shaded, so each figure can be checked by eye.

Set ``SKLEARN_DEMO_FAST=1`` for a seconds-long run (used by the test suite).
"""
import os

import matplotlib

matplotlib.use("Agg")
import numpy as np
from sklearn.frozen import FrozenEstimator

from sklearn_demo import (
    ClassOptimizer, CNNRNNClassifier, SaliencyExplainer, TemporalScorer, make_motif_dataset,
)
from sklearn_demo.plotting import plot_motif, plot_saliency, plot_temporal_scores

fast = os.environ.get("SKLEARN_DEMO_FAST") == "1"

# %%
# Train on 2,000 planted-motif sequences (fewer in fast mode).
data = make_motif_dataset(300 if fast else 2000, random_state=0)
clf = CNNRNNClassifier(max_epochs=2 if fast else 15, random_state=0, verbose=0)
clf.fit(data.X, data.y)
frozen = FrozenEstimator(clf)  # explain this fitted model as it is

# %%
# Saliency map of the first positive sequence: DeMo's ``|gradient| x input``.
i = int(np.flatnonzero(data.y)[0])
saliency = SaliencyExplainer(frozen, method="saliency").fit(data.X).transform(data.X[i:i + 1])
plot_saliency(saliency[0], data.X[i], sites=data.sites[i],
              title="Saliency (planted sites shaded)").savefig("saliency.png", dpi=100)

# %%
# Temporal output scores: p(positive) after reading 1..i and i..L.
temporal = TemporalScorer(frozen).fit(data.X).transform(data.X[i:i + 1])
plot_temporal_scores(temporal[0], data.X[i], sites=data.sites[i],
                     title="Temporal output scores").savefig("temporal.png", dpi=100)

# %%
# Class optimisation, and the best JASPAR matches of its best restart.
optimizer = ClassOptimizer(frozen, n_iter=50 if fast else 1000,
                           n_restarts=2 if fast else 8).fit(data.X)
matches = optimizer.match(n_matches=3)[0]
plot_motif(optimizer.motifs_[0], matches=matches,
           title="Class optimisation, best restart").savefig("class_optimisation.png", dpi=100)
print("best JASPAR matches:", [(m.name, f"{m.p_value:.1e}") for m in matches])
