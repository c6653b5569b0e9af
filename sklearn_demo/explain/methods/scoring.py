"""The one loop every attribution method runs its model through: a score
function (or its gradient) over a batch of one-hot inputs, ``batch_size``
rows at a time on the model's device."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

#: A batch of one-hot inputs (n, 4, L) to one score each, shape (n,).
ScoreFunction = Callable[[torch.Tensor], torch.Tensor]


def score_in_batches(
    score: ScoreFunction,
    X: np.ndarray | torch.Tensor,
    *,
    batch_size: int,
    device: str | torch.device = "cpu",
    gradients: bool = False,
    with_scores: bool = False,
) -> np.ndarray | torch.Tensor | tuple:
    """``score`` of every row of ``X`` (shape (n,)), or with
    ``gradients=True`` its gradient with respect to each input (the shape of
    ``X``), ``batch_size`` rows at a time.

    A numpy ``X`` is moved to ``device`` one batch at a time and the result
    comes back as a float32 numpy array. A tensor ``X`` stays where it is and
    the result is a tensor there, with no synchronisation between batches
    (what a caller that keeps its work on a GPU wants). With ``gradients``
    and ``with_scores``, ``(scores, gradients)`` from the same forward passes.

    Examples
    --------
    >>> X = np.ones((5, 4, 3), dtype=np.float32)
    >>> score_in_batches(lambda x: x.sum(dim=(1, 2)), X, batch_size=2).tolist()
    [12.0, 12.0, 12.0, 12.0, 12.0]
    >>> score_in_batches(lambda x: (2 * x).sum(dim=(1, 2)), X, batch_size=2, gradients=True).max()
    np.float32(2.0)
    >>> scores, grads = score_in_batches(lambda x: (2 * x).sum(dim=(1, 2)), X, batch_size=2,
    ...                                  gradients=True, with_scores=True)
    >>> scores.tolist(), grads.shape
    ([24.0, 24.0, 24.0, 24.0, 24.0], (5, 4, 3))
    >>> score_in_batches(lambda x: x.sum(dim=(1, 2)), torch.ones(3, 4, 3), batch_size=2)
    tensor([12., 12., 12.])
    """
    on_device = isinstance(X, torch.Tensor)
    scores: list = []
    grads: list = []
    for start in range(0, len(X), batch_size):
        x = X[start:start + batch_size] if on_device else torch.as_tensor(
            X[start:start + batch_size], device=device)
        if gradients:
            x = x.detach().requires_grad_(True)
            value = score(x)
            grads.append(_kept(torch.autograd.grad(value.sum(), x)[0], on_device))
        else:
            with torch.no_grad():
                value = score(x)
        scores.append(_kept(value, on_device))
    if not gradients:
        return _joined(scores, on_device, (len(X),))
    grads = _joined(grads, on_device, tuple(X.shape))
    return (_joined(scores, on_device, (len(X),)), grads) if with_scores else grads


def _kept(value: torch.Tensor, on_device: bool) -> torch.Tensor | np.ndarray:
    """A batch's result, detached; off the device (as float32 numpy) unless
    the caller works there."""
    value = value.detach()
    return value if on_device else value.cpu().numpy().astype(np.float32, copy=False)


def _joined(parts: list, on_device: bool, shape: tuple) -> torch.Tensor | np.ndarray:
    if on_device:
        return torch.cat(parts)
    return np.concatenate(parts) if parts else np.empty(shape, dtype=np.float32)
