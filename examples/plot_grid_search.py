"""
Tune a network with GridSearchCV
================================

The DeMo classifiers are scikit-learn estimators, so ``GridSearchCV`` can
tune their architecture: here the CNN's number of filters and first filter
width, scored by cross-validated ROC AUC on the planted-motif data. The
search refits the best setting on all training data; the held-out test AUC
shows whether the choice generalises.

Set ``SKLEARN_DEMO_FAST=1`` for a seconds-long run (used by the test suite).
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split

from sklearn_demo import CNNClassifier, make_motif_dataset

fast = os.environ.get("SKLEARN_DEMO_FAST") == "1"

# %%
# Data: planted CTCF and GABPA sites; a quarter is held out for the end.
data = make_motif_dataset(300 if fast else 2000, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    data.X, data.y, test_size=0.25, stratify=data.y, random_state=0)

# %%
# The grid: two widths of the first convolution (DeMo uses 9) and two
# filter counts. Each candidate is trained on 2/3 of the training set and
# scored on the remaining third, three times.
param_grid = {"filter_widths": [(5, 5, 3), (9, 5, 3)], "n_filters": [16, 64]}
search = GridSearchCV(
    CNNClassifier(max_epochs=2 if fast else 10, random_state=0, verbose=0),
    param_grid, scoring="roc_auc", cv=StratifiedKFold(3, shuffle=True, random_state=0),
)
search.fit(X_train, y_train)
print("best:", search.best_params_, f"CV AUC {search.best_score_:.3f}")
print(f"test AUC of the refitted best model: {search.score(X_test, y_test):.3f}")

# %%
# Mean cross-validated AUC of every candidate, with its spread over folds.
results = pd.DataFrame(search.cv_results_)
labels = [f"width {p['filter_widths'][0]}, {p['n_filters']} filters" for p in results["params"]]
fig, ax = plt.subplots(figsize=(6, 3))
ax.barh(labels, results["mean_test_score"], xerr=results["std_test_score"], color="tab:blue")
ax.set_xlim(0.5 if fast else np.floor(results["mean_test_score"].min() * 20) / 20, 1)
ax.set_xlabel("cross-validated ROC AUC")
ax.set_title("GridSearchCV over the CNN's first layer")
fig.tight_layout()
fig.savefig("grid_search.png", dpi=100)
