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
) -> np.ndarray | torch.Tensor:
    """``score`` of every row of ``X`` (shape (n,)), or with
    ``gradients=True`` its gradient with respect to each input (the shape of
    ``X``), ``batch_size`` rows at a time.

    A numpy ``X`` is moved to ``device`` one batch at a time and the result
    comes back as a float32 numpy array. A tensor ``X`` stays where it is and
    the result is a tensor there, with no synchronisation between batches
    (what a caller that keeps its work on a GPU wants).

    Examples
    --------
    >>> X = np.ones((5, 4, 3), dtype=np.float32)
    >>> score_in_batches(lambda x: x.sum(dim=(1, 2)), X, batch_size=2).tolist()
    [12.0, 12.0, 12.0, 12.0, 12.0]
    >>> score_in_batches(lambda x: (2 * x).sum(dim=(1, 2)), X, batch_size=2, gradients=True).max()
    np.float32(2.0)
    >>> score_in_batches(lambda x: x.sum(dim=(1, 2)), torch.ones(3, 4, 3), batch_size=2)
    tensor([12., 12., 12.])
    """
    on_device = isinstance(X, torch.Tensor)
    out = [] if on_device else np.empty(X.shape if gradients else len(X), dtype=np.float32)
    for start in range(0, len(X), batch_size):
        x = X[start:start + batch_size] if on_device else torch.as_tensor(
            X[start:start + batch_size], device=device)
        if gradients:
            x = x.detach().requires_grad_(True)
            value = torch.autograd.grad(score(x).sum(), x)[0]
        else:
            with torch.no_grad():
                value = score(x)
        if on_device:
            out.append(value.detach())
        else:
            out[start:start + batch_size] = value.detach().cpu().numpy()
    return torch.cat(out) if on_device else out
