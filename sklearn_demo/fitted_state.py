"""A fitted DeMo classifier as plain data and back
(:class:`FittedStateMixin`): what :func:`~sklearn_demo.save_model` writes
and :func:`~sklearn_demo.load_model` reads."""
from __future__ import annotations

from typing import TYPE_CHECKING

import json

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_is_fitted

from .labels import resolve_pos_label

if TYPE_CHECKING:
    from .base import DeMoClassifier


class FittedStateMixin:
    """:meth:`fitted_state` and :meth:`from_fitted_state` of
    :class:`~sklearn_demo.base.DeMoClassifier`."""

    #: Parameters that are code or run-time objects, not hyper-parameters:
    #: :meth:`fitted_state` leaves them out and a restored estimator takes its
    #: class defaults for them.
    _NOT_SAVED = frozenset({
        "module", "criterion", "optimizer", "iterator_train", "iterator_valid", "dataset",
        "train_split", "callbacks", "predict_nonlinearity", "_params_to_validate",
        "torch_load_kwargs", "accelerator"})

    def fitted_state(self) -> dict:
        """The fitted network as plain data: its hyper-parameters (JSON-able),
        ``classes``, ``n_features_in``, ``input_width``, ``tasks`` (None for a
        single-task model) and the module's
        ``state_dict`` (on the CPU). :meth:`from_fitted_state` rebuilds it;
        :func:`~sklearn_demo.save_model` writes it to a file.

        A ``RandomState`` instance as ``random_state`` is saved as None (the
        weights are saved; the generator is not).
        """
        check_is_fitted(self, "label_encoder_")
        params = {}
        for key, value in self.get_params(deep=False).items():
            if key in self._NOT_SAVED or key.startswith(("callbacks__", "iterator_")):
                continue
            if isinstance(value, np.random.RandomState):
                value = None
            if isinstance(value, tuple):
                value = list(value)
            if isinstance(value, np.generic):  # a numpy label as pos_label
                value = value.item()
            json.dumps(value)  # raises TypeError for anything that is not plain data
            params[key] = value
        return {
            "params": params,
            "classes": self.label_encoder_.classes_.tolist(),
            "n_features_in": int(self.n_features_in_),
            "input_width": getattr(self, "input_width_", None),
            "tasks": self.tasks_.tolist() if self.is_multitask else None,
            "state_dict": {k: v.detach().cpu() for k, v in self.module_.state_dict().items()},
        }

    @classmethod
    def from_fitted_state(cls, state: dict, *, device: str = "cpu") -> DeMoClassifier:
        """A fitted estimator of this class from :meth:`fitted_state`'s data,
        on ``device``; ``input_width`` and ``tasks`` may be missing (None:
        unknown width; one task).

        Raises ``ValueError`` when the parameters are invalid or the weights do
        not fit the architecture they describe. The caller's random stream
        does not move (building the module draws initial weights).
        """
        params = {**state["params"], "device": device}
        if isinstance(params.get("filter_widths"), list):
            params["filter_widths"] = tuple(params["filter_widths"])
        try:
            estimator = cls(**params)
            estimator._check_params()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"bad saved parameters ({exc})") from None
        estimator.n_features_in_ = state["n_features_in"]
        estimator.input_width_ = state.get("input_width")
        if state.get("tasks"):
            estimator.tasks_ = np.array(state["tasks"], dtype=object)
        estimator.label_encoder_ = LabelEncoder().fit(np.array(state["classes"]))
        # files saved before pos_label existed keep classes_[1] for other pairs
        estimator.pos_label_ = (1 if estimator.is_multitask else resolve_pos_label(
            estimator.label_encoder_.classes_, params.get("pos_label"), owner=cls.__name__,
            strict=False))
        estimator.random_seed_ = None
        with torch.random.fork_rng(devices=[]):
            estimator.initialize()
        try:
            estimator.module_.load_state_dict(state["state_dict"])
        except RuntimeError as exc:
            raise ValueError(f"the saved weights do not fit a {cls.__name__} with the saved "
                             f"parameters ({exc}).") from None
        estimator.module_.to(device)
        return estimator
