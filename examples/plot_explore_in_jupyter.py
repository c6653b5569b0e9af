"""
Explore any sequence live, in Jupyter or the browser
====================================================

:func:`sklearn_demo.dashboard.explore` turns fitted networks (or saved model
files) and, optionally, a set of sequences into the interactive dashboard:
paste or edit a sequence and every model's p(bound), attribution logo and heat
map, temporal scores and mutation map update; variants, FASTA uploads, the
test-set table, a comparison of two models and motif hits are one click away.

In a notebook the returned object displays inline (make it the last line of a
cell); from a script, ``app.serve()`` serves it until Ctrl-C, as
``sklearn-demo serve --model a.pt --model b.pt --data seqs.fa`` does from the
shell. What the page shows is computed by ``app.engine``
(:class:`~sklearn_demo.dashboard.SequenceExplorer`), which this example uses
directly to show the numbers behind the page.

Set ``SKLEARN_DEMO_FAST=1`` for a seconds-long run (used by the test suite).
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sklearn_demo import CNNClassifier, CNNRNNClassifier, make_motif_dataset
from sklearn_demo.dashboard import explore
from sklearn_demo.plotting import plot_saliency

fast = os.environ.get("SKLEARN_DEMO_FAST") == "1"
train = make_motif_dataset(300 if fast else 2000, random_state=0)
test = make_motif_dataset(60 if fast else 400, random_state=1)
epochs = 2 if fast else 15
models = {
    "cnn": CNNClassifier(max_epochs=epochs, random_state=0, verbose=0).fit(train.X, train.y),
    "cnnrnn": CNNRNNClassifier(max_epochs=epochs, random_state=0, verbose=0).fit(
        train.X, train.y),
}

# %%
# The app over both models and a labelled test set. In Jupyter, end the cell
# with ``app`` to display it; in a script, ``app.serve(port=5006)``.
app = explore(models, test.X, y=test.y)
print(app.engine.table().head())

# %%
# What the page shows for one bound test sequence: each model's p(bound) line
# and its attribution map (gradient x input by default), here drawn with
# matplotlib for this page.
sequence = test.X[np.flatnonzero(test.y == 1)[0]]
readings = app.engine.read(sequence)
for name, reading in readings.items():
    print(f"{name}: p(bound) = {reading.p_bound:.3f}")
fig = plot_saliency(readings["cnnrnn"].attribution, sequence,
                    title="cnnrnn: gradient x input, as the app's logo shows it")
fig.savefig("explore_attribution.png")

# %%
# The variant view: every model's p(bound) of a typed variant, as a VCF writes
# it ("145 G>A", or an indel such as "145 G>GTT"), here the substitution that
# lowers the CNN-RNN's log-odds most in its mutation map, and the two alleles
# aligned around it.
mutations = readings["cnnrnn"].mutations
base, position = np.unravel_index(np.argmin(mutations), mutations.shape)
shown = app.engine.allele(sequence, f"{position + 1} {sequence[position]}>{'ACGT'[base]}")
for effect in shown.effects:
    print(f"{effect.name}: {effect.p_ref:.3f} -> {effect.p_alt:.3f} ({effect.delta:+.3f})")
print(f"ref {shown.ref_track}\nalt {shown.alt_track}")
plt.close("all")
