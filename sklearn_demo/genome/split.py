"""Cross-validation that holds out whole chromosomes."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from sklearn.model_selection import BaseCrossValidator


class ChromosomeHoldout(BaseCrossValidator):
    """Hold out whole chromosomes: one split whose test set is every sample
    on ``test_chromosomes`` (``groups`` gives each sample's chromosome).

    Usable wherever scikit-learn takes a splitter (``cross_validate``,
    ``GridSearchCV``) with ``groups=chromosomes``. Nothing of a test
    chromosome reaches training, so nearby, correlated windows cannot leak.

    Parameters
    ----------
    test_chromosomes : sequence of str, default=("chr8", "chr9")

    Examples
    --------
    >>> splitter = ChromosomeHoldout(["chr2"])
    >>> groups = np.array(["chr1", "chr2", "chr1", "chr2"])
    >>> [(train.tolist(), test.tolist()) for train, test in splitter.split(groups, groups=groups)]
    [([0, 2], [1, 3])]
    """

    def __init__(self, test_chromosomes: Sequence[str] = ("chr8", "chr9")):
        self.test_chromosomes = test_chromosomes

    def _iter_test_masks(self, X=None, y=None, groups=None) -> Iterator[np.ndarray]:
        if groups is None:
            raise ValueError("ChromosomeHoldout needs groups: the chromosome of each sample.")
        groups = np.asarray(groups).astype(str)
        test = np.isin(groups, np.asarray(list(self.test_chromosomes), dtype=str))
        if not test.any():
            raise ValueError(f"ChromosomeHoldout: no sample lies on the test chromosomes "
                             f"{list(self.test_chromosomes)}; chromosomes present: "
                             f"{sorted(set(groups.tolist()))[:10]}.")
        if test.all():
            raise ValueError("ChromosomeHoldout: every sample lies on the test chromosomes; "
                             "nothing is left to train on.")
        yield test

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return 1
