"""
Motif dependencies: the CNN-RNN reads the order of two motifs, the CNN cannot
=============================================================================

DeMo's claim for its convolutional-recurrent network: the convolution finds
motifs, the LSTM models the dependencies among them. Here the label is the
order of two motifs, CTCF then GABPA (bound) or GABPA then CTCF (unbound),
30 to 50 bp apart: further than DeMo's CNN sees (25 bp), so the CNN is left
guessing. Half of the unbound sequences carry only one of the two motifs
(the "mixed" grammar), so motif presence alone separates part of the classes.

The forward temporal score shows how the CNN-RNN does it: reading left to
right, it jumps at GABPA only when CTCF was read before it. Erasing CTCF
(random bases in its place) removes the jump.

Set ``SKLEARN_DEMO_FAST=1`` for a seconds-long run (used by the test suite).
"""
import os

import matplotlib

matplotlib.use("Agg")
import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, TemporalScorer, make_motif_dataset, order_effect,
)
from sklearn_demo.plotting import plot_order_effect

fast = os.environ.get("SKLEARN_DEMO_FAST") == "1"

# %%
# The mixed order grammar: 4,000 sequences of 101 bp (fewer in fast mode).
n = 300 if fast else 4000
data = make_motif_dataset(n, grammar="mixed", random_state=1)
train, test = slice(0, int(0.8 * n)), slice(int(0.8 * n), None)

# %%
# Both networks with their defaults; the test AUC tells who reads the order.
models = {}
for name, cls in [("CNN", CNNClassifier), ("CNN-RNN", CNNRNNClassifier)]:
    models[name] = cls(max_epochs=2 if fast else 20, random_state=0, verbose=0).fit(
        data.X[train], data.y[train])
    auc = roc_auc_score(data.y[test], models[name].predict_proba(data.X[test])[:, 1])
    print(f"{name}: test AUC {auc:.3f}")

# %%
# The forward temporal score around the second motif (GABPA) of the bound
# test sequences, as they are and with their first motif (CTCF) erased.
pairs = [i for i in np.flatnonzero(data.y[test]) + train.stop if len(data.sites[i]) == 2]
effects = {name: order_effect(TemporalScorer(FrozenEstimator(clf)).fit(data.X[:2]),
                              data.X[pairs], [data.sites[i] for i in pairs])
           for name, clf in models.items()}
for name, effect in effects.items():
    print(f"{name}: forward jump at GABPA {effect.forward_jump.mean():+.3f} after CTCF, "
          f"{effect.forward_jump_alone.mean():+.3f} without it; backward jump at CTCF "
          f"{effect.backward_jump.mean():+.3f} after GABPA, "
          f"{effect.backward_jump_alone.mean():+.3f} without it")
plot_order_effect(effects).savefig("motif_dependencies.png", dpi=100)
