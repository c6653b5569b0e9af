"""Seconds to fit the default CNN and CNN-RNN on one CPU thread, and their
test AUC: to compare two checkouts of the package in one run, taking turns.

Each network trains 3 epochs on 2,500 planted sequences
(``make_motif_dataset(3000, random_state=0)``) and is scored on the other 500;
the CNN-RNN is one network (``ensemble_size=1``). Equal AUCs say the two
checkouts trained the same models.

Usage, from the repository root, against an earlier commit in a worktree::

    git worktree add /tmp/before <commit>
    for i in 1 2 3; do
      PYTHONPATH=/tmp/before python benchmarks/studies/fit_time.py --label before
      PYTHONPATH=. python benchmarks/studies/fit_time.py --label now
    done
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402 (after the thread setting)
from sklearn.metrics import roc_auc_score  # noqa: E402

import sklearn_demo  # noqa: E402
from sklearn_demo import CNNClassifier, CNNRNNClassifier, make_motif_dataset  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="", help="names the checkout in the output")
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = make_motif_dataset(3000, random_state=0)
    for model in (CNNClassifier(max_epochs=3, verbose=0, random_state=0),
                  CNNRNNClassifier(max_epochs=3, ensemble_size=1, verbose=0, random_state=0)):
        start = time.perf_counter()
        model.fit(data.X[:2500], data.y[:2500])
        seconds = time.perf_counter() - start
        auc = roc_auc_score(data.y[2500:], model.predict_proba(data.X[2500:])[:, 1])
        print(f"{args.label}\t{sklearn_demo.__file__}\t{type(model).__name__}\t"
              f"{seconds:.2f} s\ttest AUC {auc:.4f}", flush=True)


if __name__ == "__main__":
    main()
