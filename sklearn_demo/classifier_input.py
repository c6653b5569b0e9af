"""What a DeMo classifier takes: DNA strings, one-hot (n, 4, L) arrays,
numeric rows, or a torch ``Dataset`` streaming windows with their labels,
checked and encoded for training (:class:`InputMixin`)."""
from __future__ import annotations

import numpy as np
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import validate_data
from torch.utils.data import Dataset

from ._validation import check_binary_labels, is_task_matrix
from .encoding import check_dna, check_values, holds_text, is_sequence_collection, reverse_complement
from .labels import resolve_pos_label
from .strands import is_dna
from .training import BothStrandsDataset

#: The largest shift of ``max_shift="auto"`` on DNA, in positions: Enformer's
#: and Basenji's (a motif moves by less than a pooling window of 4).
AUTO_MAX_SHIFT = 3


class InputMixin:
    """Input checks and encoding of :class:`~sklearn_demo.base.DeMoClassifier`."""

    def _validate_X(self, X: object, *, reset: bool) -> np.ndarray:
        """DNA strings, (n, 4, L) one-hot arrays or (n, channels) numeric rows
        in; a float32 array of shape (n, channels, L) out.

        A 2-D numeric array is read as sequences of length one whose columns
        are the channels, so tabular data flows through the same code.
        """
        if is_sequence_collection(X) or holds_text(X):
            encoded = check_dna(X, padding=self.padding)
            if reset:
                self.n_features_in_ = encoded.shape[1]
                if hasattr(self, "feature_names_in_"):
                    del self.feature_names_in_
            else:
                self._check_n_channels(encoded)
            return encoded
        arr = validate_data(self, X, reset=reset, allow_nd=True, dtype=np.float32,
                            ensure_min_features=1)
        if arr.ndim == 2:
            return arr[:, :, None]
        if arr.ndim != 3:
            raise ValueError(
                f"X must be DNA strings, an array of shape (n_sequences, 4, length) or "
                f"a 2-D numeric array; got an array of shape {arr.shape}."
            )
        check_values(arr, "X")
        return arr

    def _check_n_channels(self, X: np.ndarray) -> None:
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input (channels; 4 for DNA)."
            )

    def _validate_y(self, y: object, *, reset: bool, n_samples: int,
                    classes: object = None) -> np.ndarray:
        if (reset and is_task_matrix(y)) or (not reset and self.is_multitask):
            return self._validate_task_labels(y, reset=reset, n_samples=n_samples)
        if reset and hasattr(self, "tasks_"):
            del self.tasks_
        y, labels = check_binary_labels(y, owner=type(self).__name__, n_samples=n_samples,
                                        classes=classes if reset else self.classes_)
        if reset:
            self.label_encoder_ = LabelEncoder().fit(labels)
            self.pos_label_ = resolve_pos_label(self.label_encoder_.classes_, self.pos_label,
                                                owner=type(self).__name__)
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(f"y contains labels {unknown.tolist()} not in classes {self.classes_.tolist()}.")
        return self.label_encoder_.transform(y).astype(np.float32)

    def _prepare_fit(self, X, y, *, reset: bool, classes: object = None):
        self._check_params()
        if isinstance(X, Dataset):
            return self._prepare_stream(X, y, reset=reset)
        X_enc = self._validate_X(X, reset=reset)
        y_enc = self._validate_y(y, reset=reset, n_samples=len(X_enc), classes=classes)
        self._check_max_shift(X_enc.shape[2])
        if reset:
            self.input_width_ = int(X_enc.shape[2])
            self._learn_label_statistics(*_label_counts(y_enc))
        if self.reads_both_strands(X_enc.shape[1]):
            X_enc = np.concatenate([X_enc, reverse_complement(X_enc)])
            y_enc = np.concatenate([y_enc, y_enc])
        return X_enc, y_enc

    def _max_shift_for(self, n_channels: int, length: int) -> int:
        """``max_shift`` for input of this shape: "auto" shifts DNA (4
        channels) longer than ``AUTO_MAX_SHIFT`` by up to that much, and
        nothing else."""
        if self.max_shift == "auto":
            return AUTO_MAX_SHIFT if is_dna(n_channels) and length > AUTO_MAX_SHIFT else 0
        return self.max_shift

    def _check_max_shift(self, length: int) -> None:
        if self.max_shift != "auto" and self.max_shift >= length:
            raise ValueError(
                f"{type(self).__name__}: max_shift={self.max_shift} would move sequences of "
                f"length {length} out of their window; use max_shift < {length} (0 for "
                "numeric rows).")

    def _prepare_stream(self, dataset: Dataset, y: object, *, reset: bool):
        """Check a dataset that streams one-hot windows and its ``labels``
        (a :class:`~sklearn_demo.genome.GenomeWindowDataset`); with both
        strands, wrap it so that the second half reads reverse complements."""
        name = type(self).__name__
        if y is not None or not hasattr(dataset, "labels") or not hasattr(dataset, "width"):
            raise ValueError(
                f"{name}.fit takes a torch Dataset only with y=None and the labels on the "
                "dataset (its .labels and .width, as sklearn_demo.genome.GenomeWindowDataset "
                f"has); got {type(dataset).__name__} with y={'None' if y is None else 'given'}.")
        if reset:
            self.n_features_in_ = 4
        labels = dataset.labels
        if is_task_matrix(labels) or (not reset and self.is_multitask):
            counts = self._count_stream_labels(labels, reset=reset, n_samples=len(dataset))
        else:
            counts = _label_counts(self._validate_y(labels, reset=reset,
                                                    n_samples=len(dataset)))
        tasks = getattr(dataset, "tasks", None)
        if reset and self.is_multitask and self.task_names is None and tasks is not None:
            if len(tasks) != len(self.tasks_):
                raise ValueError(f"{name}: the dataset names {len(tasks)} tasks but its labels "
                                 f"have {len(self.tasks_)} columns.")
            self.tasks_ = np.array(list(tasks), dtype=object)
        if not self.is_multitask and not np.isin(self.classes_, [0, 1]).all():
            raise ValueError(f"{name}: a streamed dataset's single-task labels must be 0 and 1; "
                             f"got {self.classes_.tolist()}.")
        self._check_max_shift(int(dataset.width))
        if reset:
            self.input_width_ = int(dataset.width)
            self._learn_label_statistics(*counts)
        if self.reads_both_strands(self.n_features_in_):
            dataset = BothStrandsDataset(dataset)
        return dataset, None


def _label_counts(y_enc: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Positive and negative (known) labels per task of encoded labels
    (n,) or (n, n_tasks), and the number of rows."""
    labels = y_enc.reshape(len(y_enc), -1)
    return np.nansum(labels, axis=0), np.sum(labels == 0, axis=0), len(y_enc)
