"""Expected gradients (the algorithm of shap's ``GradientExplainer``) against
dinucleotide shuffles, batched across sequences and samples."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..._progress import progress
from ...shuffle import dinucleotide_shuffle_one_hot
from .scoring import score_in_batches


#: Forward-and-backward passes of ``batch_size`` samples per chunk of
#: sequences (the samples a chunk holds on the device: its interpolated
#: inputs and their differences from the references).
PASSES_PER_CHUNK = 8


def expected_gradients(
    model: Callable[[torch.Tensor], torch.Tensor],
    X: np.ndarray,
    *,
    n_references: int = 10,
    n_samples: int = 200,
    batch_size: int = 256,
    random_state: int | None = 0,
    device: str | torch.device = "cpu",
) -> np.ndarray:
    """SHAP values of ``model``'s single output for one-hot ``X`` (n, 4, L),
    by expected gradients with ``n_references`` dinucleotide shuffles of each
    sequence as its background and ``n_samples`` gradient samples.

    The algorithm of shap's ``GradientExplainer`` (and captum's
    ``GradientShap`` without noise): for each sample, a random reference
    ``r`` and ``t ~ U(0, 1)``, the gradient at ``r + t (x - r)`` times
    ``x - r``, averaged. Run here in full batches of ``batch_size`` samples
    across sequences (shap builds one explainer per background, so per
    sequence), each sequence seeded with ``random_state + i`` (its shuffles
    and samples), so its values do not depend on the others in ``X``. Works
    on CNNs and LSTMs alike: it needs only gradients.

    ``model`` maps (n, 4, L) to (n,) or (n, 1).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(40, 1))
    >>> from sklearn_demo import one_hot_encode
    >>> expected_gradients(model, one_hot_encode(["ACGTTGCAAC"]), n_samples=20).shape
    (1, 4, 10)
    """
    X = np.asarray(X, dtype=np.float32)
    n, channels, length = X.shape
    # Sequences whose samples fill PASSES_PER_CHUNK passes: the passes run
    # over the chunk's samples end to end, so each is full but the last.
    per_chunk = max(1, PASSES_PER_CHUNK * batch_size // n_samples)
    out = torch.empty(X.shape, device=device)
    for first in progress(range(0, n, per_chunk), desc="expected gradients", unit="chunk"):
        chunk = range(first, min(first + per_chunk, n))
        # Only the references and the draws are made on the host; the
        # interpolation, the gradients and their mean stay on the device, and
        # the host draws the next chunk while the device works on this one.
        references, picks, t = [], [], []
        for k, i in enumerate(chunk):
            rng = np.random.default_rng(None if random_state is None else int(random_state) + i)
            references.append(dinucleotide_shuffle_one_hot(X[i:i + 1], n_shuffles=n_references,
                                                           random_state=rng))
            picks.append(k * n_references + rng.integers(n_references, size=n_samples))
            t.append(rng.random((n_samples, 1, 1), dtype=np.float32))
        x = torch.as_tensor(X[first:chunk.stop], device=device).repeat_interleave(n_samples, 0)
        chosen = torch.as_tensor(np.concatenate(references), device=device)[
            torch.as_tensor(np.concatenate(picks), device=device)]
        deltas = x - chosen
        points = chosen + torch.as_tensor(np.concatenate(t), device=device) * deltas
        gradients = score_in_batches(lambda x: model(x).reshape(len(x)), points,
                            batch_size=batch_size, gradients=True)
        out[first:chunk.stop] = (gradients * deltas).reshape(
            len(chunk), n_samples, channels, length).mean(dim=1)
    return out.cpu().numpy()
