"""Whether a DeMo classifier's fit holds out a validation split and stops
early, and how it weighs its labels: settled once per fit from the label
counts (``validating_``, ``pos_weight_``), as scikit-learn resolves "auto"
options into fitted attributes (:class:`ValidationSplitMixin`)."""
from __future__ import annotations

import numpy as np

#: With ``early_stopping="auto"``, the fewest sequences of each class the
#: validation split must expect to hold for the classifiers to make one.
MIN_VALIDATION_PER_CLASS = 10


class ValidationSplitMixin:
    """The validation split and label weights of
    :class:`~sklearn_demo.base.DeMoClassifier`."""

    def _learn_label_statistics(self, positives: np.ndarray, negatives: np.ndarray,
                                n_rows: int) -> None:
        """``validating_`` and, with ``class_weight``, ``pos_weight_``, from
        each task's counts of positive and negative (known) labels."""
        self.validating_ = self._decide_validation(positives, negatives, n_rows)
        self.pos_weight_ = None
        if isinstance(self.class_weight, dict):
            if self.is_multitask:
                raise ValueError(f"{type(self).__name__}: class_weight as a dict is for one task "
                                 "({label: weight}); use 'balanced' for multi-task labels.")
            missing = [c for c in self.classes_.tolist() if c not in self.class_weight]
            if missing:
                raise ValueError(f"{type(self).__name__}: class_weight has no weight for "
                                 f"classes {missing}.")
            negative, positive = (self.class_weight[c] for c in self.classes_.tolist())
            self.pos_weight_ = np.array([positive / negative], dtype=np.float32)
        elif self.class_weight == "balanced":
            self.pos_weight_ = (negatives / np.maximum(positives, 1)).astype(np.float32)

    def _may_validate(self) -> bool:
        """Whether the parameters allow a validation split: skorch's own
        ``train_split`` when one is given, else a ``validation_fraction``
        with early stopping not switched off. The callbacks are built from
        this (before the data are seen); :meth:`_decide_validation` then
        settles it from the data."""
        if not isinstance(self.train_split, str):
            return self.train_split is not None
        return bool(self.validation_fraction) and self.early_stopping is not False

    def _decide_validation(self, positives: np.ndarray, negatives: np.ndarray,
                           n_rows: int) -> bool:
        """Whether this fit holds out a validation split (and stops early).

        ``early_stopping="auto"`` validates when the split would hold at
        least ``MIN_VALIDATION_PER_CLASS`` sequences of each class, and says
        so when it does not; ``True`` needs at least one of each.
        """
        if not self._may_validate():
            return False
        if not isinstance(self.train_split, str):  # skorch's own split
            return True
        name = type(self).__name__
        if self.is_multitask:  # split at random: count sequences
            smaller, what = n_rows, "sequences"
        else:
            smaller, what = int(min(positives[0], negatives[0])), "sequences of the smaller class"
        expected = smaller * self.validation_fraction
        if self.early_stopping == "auto" and expected < MIN_VALIDATION_PER_CLASS:
            if self.verbose:
                print(f"{name}: no validation split: validation_fraction="
                      f"{self.validation_fraction} of the {smaller} {what} would hold "
                      f"{expected:.1f}, fewer than {MIN_VALIDATION_PER_CLASS} "
                      f"(early_stopping='auto'); training on all {n_rows} for "
                      f"max_epochs={self.max_epochs} epochs without early stopping.")
            return False
        if expected < 1:
            raise ValueError(
                f"{name}: validation_fraction={self.validation_fraction} of the {smaller} "
                f"{what} holds none of them, and early_stopping=True needs both classes in "
                "the validation split; give more data, a larger validation_fraction, or "
                "early_stopping='auto' or False.")
        return True
