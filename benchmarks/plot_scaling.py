"""Plot training and prediction time against training-set size from the
pytest-benchmark JSON of ``test_bench_scaling.py`` (log-log axes: a slope of
1 is linear cost, 2 quadratic).

Usage::

    python benchmarks/plot_scaling.py benchmarks/results/scaling.json benchmarks/results/scaling.png
"""
import json
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main(source: str, target: str) -> None:
    runs = defaultdict(list)
    for bench in json.loads(Path(source).read_text())["benchmarks"]:
        model = bench["name"].split("[", 1)[1].rsplit("-", 1)[0]
        runs[model].append((bench["extra_info"]["n_train"], bench["stats"]["min"],
                            bench["extra_info"]["predict_1000_s"]))
    fig, (train_ax, predict_ax) = plt.subplots(1, 2, figsize=(10, 4))
    for model, points in sorted(runs.items()):
        n, train_s, predict_s = np.array(sorted(points)).T
        slope = np.polyfit(np.log(n), np.log(train_s), 1)[0]
        train_ax.loglog(n, train_s, "o-", label=f"{model} (slope {slope:.2f})")
        predict_ax.loglog(n, predict_s, "o-", label=model)
    train_ax.set(xlabel="training sequences", ylabel="train seconds",
                 title="Training time (slope 1 = linear, 2 = quadratic)")
    predict_ax.set(xlabel="training sequences", ylabel="seconds to score 1,000 sequences",
                   title="Prediction time")
    for ax in (train_ax, predict_ax):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(target, dpi=120)


if __name__ == "__main__":
    main(*sys.argv[1:3])
