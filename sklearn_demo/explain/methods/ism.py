"""In-silico saturation mutagenesis, batched across sequences and substitutions."""
from __future__ import annotations

import numpy as np
import torch

from ..._progress import progress
from .scoring import ScoreFunction, score_in_batches
from .local_ism import LocalMutagenesis


#: Mutants per :meth:`~.local_ism.LocalMutagenesis.scores` call for each row
#: of ``batch_size``. A mutant there holds each layer's activations at 7-13
#: positions, not the whole sequence's: on DeMo's CNN at 101 bp its largest
#: layer is 128 x 13 values against 128 x 101 in a forward pass, so 4x the
#: mutants stays under half the memory of ``batch_size`` whole passes, and a
#: GPU pays per call far more than per mutant.
LOCAL_MUTANTS_PER_ROW = 4


def saturation_mutagenesis(
    score: ScoreFunction, X: np.ndarray, *, batch_size: int = 256,
    device: str | torch.device = "cpu", local: LocalMutagenesis | None = None,
) -> np.ndarray:
    """``score(x with base b at position j) - score(x)`` for every sequence,
    position and base of one-hot ``X`` (n, 4, L); 0 where the base is
    already present (that no-op is never evaluated).

    The substitutions of all sequences form one stream of mutants, scored
    ``batch_size`` at a time, so short sequences fill whole batches.

    With ``local`` (a :class:`~.local_ism.LocalMutagenesis` of the model
    ``score`` runs), each mutant's score is recomputed from the reference's
    activations at the positions the substitution reaches only, ``batch_size``
    sequences' activations at a time, ``LOCAL_MUTANTS_PER_ROW * batch_size``
    mutants per call (each carries a few positions, not a whole sequence);
    ``score`` still gives the reference. Their scores stay on the device
    until the sequences' last mutant.

    Examples
    --------
    >>> weights = torch.arange(8.0).reshape(1, 4, 2)
    >>> X = np.zeros((1, 4, 2), np.float32); X[0, 0] = 1  # "AA"
    >>> saturation_mutagenesis(lambda x: (x * weights).sum(dim=(1, 2)), X)[0]
    array([[0., 0.],
           [2., 2.],
           [4., 4.],
           [6., 6.]], dtype=float32)
    """
    out = np.zeros_like(X, dtype=np.float32)
    reference = score_in_batches(score, X, batch_size=batch_size, device=device)
    eye = np.eye(X.shape[1], dtype=X.dtype)
    # ``local`` holds the activations of ``batch_size`` sequences at a time, so
    # it takes their mutants together; whole passes stream every sequence's.
    chunk = batch_size if local is not None else max(len(X), 1)
    per_call = batch_size * (LOCAL_MUTANTS_PER_ROW if local is not None else 1)
    bar = progress(total=int(np.count_nonzero(X != 1)), desc="mutagenesis", unit="mutant")
    for first in range(0, len(X), chunk):
        block = X[first:first + chunk]
        cache = None if local is None else local.prepare(torch.as_tensor(block, device=device))
        sequence, base, position = np.nonzero(block != 1)
        block_scores = []
        for start in range(0, len(sequence), per_call):
            i, b, j = (v[start:start + per_call] for v in (sequence, base, position))
            if local is None:
                mutants = block[i].copy()
                mutants[np.arange(len(i)), :, j] = eye[b]
                block_scores.append(score_in_batches(score, mutants, batch_size=batch_size,
                                            device=device))
            else:
                block_scores.append(local.scores(cache, *(torch.as_tensor(v, device=device)
                                                          for v in (i, b, j))))
            bar.update(len(i))
        if block_scores:
            scores = (np.concatenate(block_scores) if local is None
                      else torch.cat(block_scores).cpu().numpy())
            out[first + sequence, base, position] = scores - reference[first + sequence]
    bar.close()
    return out
