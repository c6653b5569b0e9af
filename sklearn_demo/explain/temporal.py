"""DeMo's temporal output scores: the prediction as the model reads the
sequence forward (prefixes) and backward (suffixes)."""
from __future__ import annotations

import numpy as np
import torch

from ..strands import strand_mean_logit
from ..ensemble import SeedEnsemble
from ..networks import PREFIX_ALGORITHMS, DeMoCNN, DeMoRNN
from .._validation import Options
from ._base import ModelExplainer, evaluation_mode
from .cnn_prefixes import masked_prefix_suffix_logits


class TemporalScorer(ModelExplainer):
    """Probability of ``target_class`` after reading each prefix and suffix.

    For a sequence of length L, ``transform`` returns for every position i
    (1-based in this description):

    * forward[i]: the probability given positions 1..i only;
    * backward[i]: the probability given positions i..L only.

    Definitions per architecture:

    * RNN: the whole model run on the prefix (suffix), as DeMo did (with
      ``lstm_strands="both"``, the prefix read on both strands).
    * CNN-RNN: the convolution runs once over the whole sequence and the
      BiLSTM reads the prefix (suffix) of its feature maps, as DeMo did.
    * CNN (no reading order of its own): the model on the full-length input
      with every position outside the prefix (suffix) set to the zero
      column, "no base".

    ``algorithm="batched"`` evaluates all prefixes and suffixes of a batch in
    packed passes (:meth:`~sklearn_demo.recurrent.BiLSTMHead.prefix_suffix_logits`),
    and the CNN's on crops around each boundary, the only positions whose
    receptive field holds both kept and masked bases
    (:func:`~sklearn_demo.explain.cnn_prefixes.masked_prefix_suffix_logits`);
    ``"loop"`` is the naive loop of L model calls per direction, kept as the
    reference. Read more in the :doc:`User Guide </guide/explaining>`.

    Parameters
    ----------
    estimator : CNNClassifier, RNNClassifier or CNNRNNClassifier
        Fitted on a clone by ``fit(X, y)``, or frozen (``FrozenEstimator``).
    target_class : label or None, default=None
        None takes ``classes_[1]``.
    target : str, int or None, default=None
        The task to explain when the classifier is multi-task (its name in
        ``tasks_`` or its index); required then, and the error lists the
        tasks. None for a single-task classifier.
    algorithm : {"batched", "loop"}, default="batched"
    batch_size : int, default=256
        Sub-sequences per packed pass; bounds memory for long sequences.

    Examples
    --------
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn_demo import RNNClassifier, TemporalScorer, make_motif_dataset
    >>> data = make_motif_dataset(100, random_state=0)
    >>> clf = RNNClassifier(hidden_size=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> TemporalScorer(FrozenEstimator(clf)).fit(data.X).transform(data.X[:2]).shape
    (2, 2, 101)
    """

    _parameter_constraints = {"algorithm": [Options(PREFIX_ALGORITHMS)]}

    def __init__(
        self,
        estimator: object = None,
        *,
        target_class: object = None,
        target: object = None,
        algorithm: str = "batched",
        batch_size: int = 256,
    ):
        self.estimator = estimator
        self.target_class = target_class
        self.target = target
        self.algorithm = algorithm
        self.batch_size = batch_size

    def fit(self, X: object, y: object = None) -> "TemporalScorer":
        """Check parameters and fit (or take) the classifier; returns ``self``."""
        self._fit_estimator(X, y)
        for module in _networks(self.classifier_.module_):
            if not isinstance(module, (DeMoRNN, DeMoCNN)):
                raise TypeError(
                    f"TemporalScorer reads DeMoRNN, DeMoCNNRNN or DeMoCNN modules (or seed "
                    f"ensembles of them); got {type(module).__name__}."
                )
        return self

    def transform(self, X: object) -> np.ndarray:
        """Scores of shape (n, 2, L): [:, 0] forward (prefixes), [:, 1] backward."""
        X_enc = self._encode(X)
        module = self.classifier_.module_
        out = np.empty((len(X_enc), 2, X_enc.shape[2]), dtype=np.float32)
        with torch.no_grad(), evaluation_mode(module):
            for part, x in self._tensor_slices(X_enc):
                logits = self._strand_logits(module, x)
                if self.classifier_.reads_both_strands(x.shape[1]):
                    # x's prefix ending at t is the reverse strand's suffix starting at L-1-t
                    reverse = self._strand_logits(module, x.flip((1, 2))).flip(2)[:, [1, 0]]
                    logits = strand_mean_logit(logits, reverse)
                out[part] = torch.sigmoid(self._target_sign() * logits).cpu().numpy()
        return out

    def _strand_logits(self, module: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
        """(n, 2, L) prefix and suffix logits of ``x`` as given (one strand);
        a seed ensemble's are its members' mean."""
        return torch.stack([
            self._recurrent_logits(network, x) if isinstance(network, DeMoRNN)
            else self._masked_logits(network, x)
            for network in _networks(module)]).mean(dim=0)

    def _masked_logits(self, module: DeMoCNN, x: torch.Tensor) -> torch.Tensor:
        """(n, 2, L) logits of the CNN on prefix- and suffix-masked copies of
        x: from crops around each boundary ("batched",
        :func:`~sklearn_demo.explain.cnn_prefixes.masked_prefix_suffix_logits`),
        or one full pass per copy ("loop")."""
        n, _, length = x.shape
        if self.algorithm == "batched":
            return masked_prefix_suffix_logits(module, x, self.batch_size)
        position = torch.arange(length, device=x.device)
        # keep[d, i, t]: position t is visible in sub-sequence i of direction d.
        keep = torch.stack([position[None, :] <= position[:, None],
                            position[None, :] >= position[:, None]]).to(x.dtype)
        logits = torch.empty(n, 2, length, device=x.device)
        for direction in range(2):
            for i in range(length):
                logits[:, direction, i] = module(x * keep[direction, i])
        return logits

    def _recurrent_logits(self, module: DeMoRNN, x: torch.Tensor) -> torch.Tensor:
        """(n, 2, L) logits of the recurrent head on prefixes and suffixes of
        the embedded sequence.

        When the LSTM reads one step per ``positions_per_step`` bases (a
        pooled CNN-RNN), every base gets the score of its step: the prefix
        (suffix) that ends (starts) with the block holding that base.
        """
        h = module.embed(x)  # (n, steps, D), computed once
        steps = module.recurrent.prefix_suffix_logits(h, algorithm=self.algorithm,
                                                      batch_size=self.batch_size)
        return steps.repeat_interleave(module.positions_per_step, dim=2)[..., :x.shape[2]]


def _networks(module: torch.nn.Module) -> list[torch.nn.Module]:
    """The networks a module averages: a seed ensemble's members, else itself."""
    return list(module.members) if isinstance(module, SeedEnsemble) else [module]
