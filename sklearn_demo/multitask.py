"""Multi-task classifiers: one output per task of an (n, N) 0/1/NaN label
matrix (:class:`MultiTaskMixin`), each task readable as a binary classifier
of its own (:meth:`MultiTaskMixin.task_classifier`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_is_fitted

from ._validation import check_task_labels

if TYPE_CHECKING:
    from .base import DeMoClassifier

#: Rows of a streamed dataset's label matrix validated at a time.
LABEL_BLOCK = 100_000


class MultiTaskMixin:
    """The multi-task side of :class:`~sklearn_demo.base.DeMoClassifier`:
    task labels, task names (``tasks_``) and one task's classifier."""

    def _validate_task_labels(self, y: object, *, reset: bool, n_samples: int) -> np.ndarray:
        """A multi-task (n, N) label matrix: 0, 1 or NaN (masked); on reset,
        ``tasks_`` from ``task_names``, a DataFrame's columns, or task_0..."""
        name = type(self).__name__
        labels, columns = check_task_labels(y, owner=name, n_samples=n_samples)
        n_tasks = labels.shape[1]
        if not reset:
            if n_tasks != len(self.tasks_):
                raise ValueError(f"y has {n_tasks} tasks, but {name} was fitted on "
                                 f"{len(self.tasks_)}: {list(self.tasks_)}.")
            return labels
        names = self.task_names or columns or [f"task_{i}" for i in range(n_tasks)]
        if len(names) != n_tasks:
            raise ValueError(f"{name}: task_names has {len(names)} names but y has "
                             f"{n_tasks} tasks (columns).")
        if len(set(names)) != n_tasks:
            raise ValueError(f"{name}: task names must be unique; got {list(names)}.")
        self.tasks_ = np.array(names, dtype=object)
        self.label_encoder_ = LabelEncoder().fit([0, 1])
        self.pos_label_ = 1
        return labels

    @property
    def is_multitask(self) -> bool:
        """Whether the fitted network has one output per task (``tasks_``)."""
        return hasattr(self, "tasks_")

    def task_index(self, target: object) -> int:
        """The output column of ``target``, a task name or index.

        Raises ``ValueError`` listing the tasks when ``target`` is None or
        unknown; a single-task model takes None (or 0).

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_demo import CNNClassifier
        >>> X, y = ["ACGTACGTAC"] * 4, np.array([[0, 1], [1, 0], [0, 1], [1, 0]])
        >>> clf = CNNClassifier(n_filters=2, max_epochs=1, verbose=0, task_names=["ctcf", "dnase"])
        >>> clf.fit(X, y).task_index("dnase")
        1
        """
        check_is_fitted(self, "label_encoder_")
        if not self.is_multitask:
            if target not in (None, 0):
                raise ValueError(f"target={target!r}: this {type(self).__name__} has one task; "
                                 "leave target=None.")
            return 0
        tasks = list(self.tasks_)
        if target is None:
            raise ValueError(f"this {type(self).__name__} is multi-task; pass target= one of its "
                             f"{len(tasks)} tasks (name or index): {tasks}.")
        if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
            if -len(tasks) <= target < len(tasks):
                return int(target) % len(tasks)
        elif target in tasks:
            return tasks.index(target)
        raise ValueError(f"target={target!r} is not a task of this {type(self).__name__}; "
                         f"its tasks: {tasks} (or their indices 0..{len(tasks) - 1}).")

    def task_classifier(self, target: object) -> DeMoClassifier:
        """A fitted single-task classifier for one task of a multi-task one:
        the same network with only that task's output, so every explainer,
        variant scorer and the dashboard read it as any binary model. A
        single-task classifier returns itself.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_demo import CNNClassifier
        >>> X, y = ["ACGTACGTAC"] * 4, np.array([[0, 1], [1, 0], [0, 1], [1, 0]])
        >>> clf = CNNClassifier(n_filters=2, max_epochs=1, verbose=0).fit(X, y)
        >>> one = clf.task_classifier("task_1")
        >>> bool(np.allclose(one.predict_proba(X)[:, 1], clf.predict_proba(X)[:, 1]))
        True
        """
        index = self.task_index(target)
        if not self.is_multitask:
            return self
        state = self.fitted_state()
        state["params"]["task_names"] = None
        state["tasks"] = None
        for key in self._output_keys():
            state["state_dict"][key] = state["state_dict"][key][index:index + 1]
        return type(self).from_fitted_state(state, device=self.device)

    def _output_keys(self) -> list[str]:
        """State-dict keys of the output layer (one row per task)."""
        names = [name for name, sub in self.module_.named_modules()
                 if name.split(".")[-1] == "output" and isinstance(sub, torch.nn.Linear)]
        expected = self.ensemble_size  # one per ensemble member
        if len(names) != expected:
            raise TypeError(f"{type(self.module_).__name__} has no single linear layer named "
                            "'output' per network to take one task's row from.")
        return [f"{name}.{part}" for name in names for part in ("weight", "bias")]

    def _count_stream_labels(self, labels: object, *, reset: bool,
                             n_samples: int) -> tuple[np.ndarray, np.ndarray, int]:
        """Validate a streamed dataset's label matrix a block of rows at a time
        (no float copy of a matrix that may be larger than memory) and count
        each task's positives and negatives."""
        positives = negatives = 0
        block = LABEL_BLOCK
        for start in range(0, len(labels), block):
            part = self._validate_task_labels(labels[start:start + block],
                                              reset=reset and start == 0, n_samples=None)
            positives = positives + np.nansum(part, axis=0)
            negatives = negatives + np.sum(part == 0, axis=0)
        if len(labels) != n_samples:
            raise ValueError(f"the dataset has {n_samples} windows but {len(labels)} rows of "
                             "labels.")
        return positives, negatives, n_samples
