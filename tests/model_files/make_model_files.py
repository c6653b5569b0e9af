"""Write one folder of tiny model files as the package of the current
checkout saves them, with the probabilities they give; the suite loads
every folder (test_persistence.py) to hold loading of earlier layouts.

Run it in a checkout of the commit whose layout to keep, with the
package on the path (its version read from that checkout's pyproject.toml):

    git worktree add /tmp/old COMMIT && cd /tmp/old
    PYTHONPATH=/tmp/old python /path/to/make_model_files.py tests/model_files/VERSION
"""
import importlib.metadata
import json
import pathlib
import re
import sys


def main(out: pathlib.Path) -> None:
    real_version = importlib.metadata.version
    checkout = re.search(r'^version = "(.*)"', pathlib.Path("pyproject.toml").read_text(),
                         re.M).group(1)
    importlib.metadata.version = (
        lambda name: checkout if name == "sklearn-demo" else real_version(name))
    import numpy as np

    import sklearn_demo
    from sklearn_demo import (CNNClassifier, CNNRNNClassifier, RNNClassifier,
                              make_motif_dataset, save_model)

    out.mkdir(parents=True, exist_ok=True)
    data = make_motif_dataset(60, random_state=0)
    X, y = list(data.X), np.asarray(data.y)
    tiny = {CNNClassifier: dict(n_filters=4, filter_widths=(5, 3)),
            RNNClassifier: dict(hidden_size=4),
            CNNRNNClassifier: dict(n_filters=4, hidden_size=4)}
    for cls, params in tiny.items():
        clf = cls(max_epochs=2, verbose=0, random_state=0, **params).fit(X, y)
        save_model(clf, out / f"{cls.__name__}.pt")
        (out / f"{cls.__name__}.json").write_text(json.dumps({
            "package_version": sklearn_demo.__version__, "sequences": X[:6],
            "classes": [str(c) for c in clf.classes_],
            "probability": clf.predict_proba(X[:6])[:, 1].tolist()}, indent=1))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
