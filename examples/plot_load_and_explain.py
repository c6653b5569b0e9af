"""
Save a model, load it elsewhere, and explain new sequences
==========================================================

``save_model`` writes a fitted network as plain data (weights, parameters,
labels and the package version), so it loads on another machine, on CPU
even if it was trained on a GPU, without unpickling any code. Here a CNN is
trained and saved, then loaded as a user would in a new session, used to
score a FASTA file of new sequences in streaming batches, and the
highest-scoring one is explained with ISM (in-silico mutagenesis).

Set ``SKLEARN_DEMO_FAST=1`` for a seconds-long run (used by the test suite).
"""
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
from sklearn.frozen import FrozenEstimator

from sklearn_demo import (
    CNNClassifier, SaliencyExplainer, load_model, make_motif_dataset, predict_fasta, save_model,
)
from sklearn_demo.plotting import plot_saliency

fast = os.environ.get("SKLEARN_DEMO_FAST") == "1"
workdir = Path(tempfile.mkdtemp())

# %%
# Session 1: train and save.
train = make_motif_dataset(300 if fast else 2000, random_state=0)
clf = CNNClassifier(max_epochs=2 if fast else 15, random_state=0, verbose=0).fit(train.X, train.y)
save_model(clf, workdir / "cnn.pt")

# %%
# Session 2: new sequences arrive as FASTA (here: fresh planted-motif data).
new = make_motif_dataset(200, random_state=1)
with open(workdir / "new.fa", "w") as handle:
    handle.writelines(f">seq{i}\n{s}\n" for i, s in enumerate(new.X))

model = load_model(workdir / "cnn.pt")  # on CPU; device="cuda" to move it
predict_fasta(model, workdir / "new.fa", workdir / "scores.tsv", batch_size=64)
scores = pd.read_csv(workdir / "scores.tsv", sep="\t")
print(scores.sort_values(scores.columns[-1], ascending=False).head())

# %%
# Explain the top-scoring new sequence with ISM: the change of log p(bound)
# for every possible substitution (negative: the mutation hurts binding).
top = int(np.argmax(scores.iloc[:, -1].to_numpy()))
ism = SaliencyExplainer(FrozenEstimator(model), method="ism").fit(new.X).transform(new.X[top:top + 1])
plot_saliency(ism[0], new.X[top], sites=new.sites[top],
              title=f"ISM of {scores.iloc[top, 0]} (planted sites shaded)").savefig(
    "load_and_explain.png", dpi=100)
