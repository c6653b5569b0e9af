"""DeMo's temporal output scores: the prediction as the model reads the
sequence forward (prefixes) and backward (suffixes)."""
from __future__ import annotations

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..networks import BiLSTMHead, DeMoCNN, DeMoRNN
from .._validation import Options
from ._base import ModelExplainer, evaluation_mode

ALGORITHMS = ("batched", "loop")


class TemporalScorer(ModelExplainer):
    """Probability of ``target_class`` after reading each prefix and suffix.

    For a sequence of length L, ``transform`` returns for every position i
    (1-based in this description):

    * forward[i]: the probability given positions 1..i only;
    * backward[i]: the probability given positions i..L only.

    Definitions per architecture:

    * RNN: the whole BiLSTM model run on the prefix (suffix), as DeMo did.
    * CNN-RNN: the convolution runs once over the whole sequence and the
      BiLSTM reads the prefix (suffix) of its feature maps, as DeMo did.
    * CNN (no reading order of its own): the model on the full-length input
      with every position outside the prefix (suffix) set to the zero
      column, "no base".

    ``algorithm="batched"`` evaluates all prefixes and suffixes of a batch in
    packed passes: the forward LSTM's states over a prefix are those of the
    full run (and the backward LSTM's over a suffix), so only the other
    direction needs one packed pass over all L sub-sequences. ``"loop"`` is
    the naive loop of L model calls per direction, kept as the reference.

    Parameters
    ----------
    estimator : CNNClassifier, RNNClassifier or CNNRNNClassifier
        Fitted on a clone by ``fit(X, y)``, or frozen (``FrozenEstimator``).
    target_class : label or None, default=None
        None takes ``classes_[1]``.
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

    _parameter_constraints = {"algorithm": [Options(ALGORITHMS)]}

    def __init__(
        self,
        estimator: object = None,
        *,
        target_class: object = None,
        algorithm: str = "batched",
        batch_size: int = 256,
    ):
        self.estimator = estimator
        self.target_class = target_class
        self.algorithm = algorithm
        self.batch_size = batch_size

    def fit(self, X: object, y: object = None) -> "TemporalScorer":
        """Check parameters and fit (or take) the classifier; returns ``self``."""
        self._fit_estimator(X, y)
        module = self.classifier_.module_
        if not isinstance(module, (DeMoRNN, DeMoCNN)):
            raise TypeError(
                f"TemporalScorer reads DeMoRNN, DeMoCNNRNN or DeMoCNN modules; got "
                f"{type(module).__name__}."
            )
        return self

    def transform(self, X: object) -> np.ndarray:
        """Scores of shape (n, 2, L): [:, 0] forward (prefixes), [:, 1] backward."""
        X_enc = self._encode(X)
        module = self.classifier_.module_
        out = np.empty((len(X_enc), 2, X_enc.shape[2]), dtype=np.float32)
        with torch.no_grad(), evaluation_mode(module):
            for part, x in self._batches(X_enc):
                if isinstance(module, DeMoRNN):
                    logits = self._recurrent_logits(module, x)
                else:
                    logits = self._masked_logits(module, x)
                out[part] = torch.sigmoid(self._target_sign() * logits).cpu().numpy()
        return out

    def _masked_logits(self, module: DeMoCNN, x: torch.Tensor) -> torch.Tensor:
        """(n, 2, L) logits of the CNN on prefix- and suffix-masked copies of x."""
        n, _, length = x.shape
        position = torch.arange(length, device=x.device)
        # keep[d, i, t]: position t is visible in sub-sequence i of direction d.
        keep = torch.stack([position[None, :] <= position[:, None],
                            position[None, :] >= position[:, None]]).to(x.dtype)
        logits = torch.empty(n, 2, length, device=x.device)
        if self.algorithm == "loop":
            for direction in range(2):
                for i in range(length):
                    logits[:, direction, i] = module(x * keep[direction, i])
            return logits
        masks = keep.reshape(2 * length, 1, length)
        flat = logits.view(n, 2 * length)
        for seq in range(n):
            for start in range(0, 2 * length, self.batch_size):
                chunk = masks[start:start + self.batch_size]
                flat[seq, start:start + len(chunk)] = module(x[seq] * chunk)
        return logits

    def _recurrent_logits(self, module: DeMoRNN, x: torch.Tensor) -> torch.Tensor:
        """(n, 2, L) logits of the recurrent head on prefixes and suffixes of
        the embedded sequence.

        When the LSTM reads one step per ``positions_per_step`` bases (a
        pooled CNN-RNN), every base gets the score of its step: the prefix
        (suffix) that ends (starts) with the block holding that base.
        """
        h = module.embed(x)  # (n, steps, D), computed once
        steps = self._step_logits(module.recurrent, h)
        return steps.repeat_interleave(module.positions_per_step, dim=2)[..., :x.shape[2]]

    def _step_logits(self, head: BiLSTMHead, h: torch.Tensor) -> torch.Tensor:
        """(n, 2, steps) logits of ``head`` on every prefix and suffix of ``h``."""
        length = h.shape[1]
        if self.algorithm == "loop":
            forward = [head(h[:, :i]) for i in range(1, length + 1)]
            backward = [head(h[:, i:]) for i in range(length)]
            return torch.stack([torch.stack(forward, 1), torch.stack(backward, 1)], 1)
        hidden = head.lstm.hidden_size
        states, _ = head.lstm(h)
        fwd, bwd = states[..., :hidden], states[..., hidden:]
        # Causal: the forward direction over a prefix is the full run's start.
        fwd_prefix = head.running_pool(fwd)
        # Anti-causal: the backward direction over a suffix is the full run's end.
        bwd_suffix = head.running_pool(bwd.flip(1)).flip(1)
        # The other direction starts fresh on every sub-sequence. The backward
        # LSTM over prefix 1..i reads flip(h)[L-i:], a suffix of flip(h).
        backward_lstm = _direction(head, reverse=True)
        forward_lstm = _direction(head, reverse=False)
        bwd_prefix = self._suffix_pools(head, backward_lstm, h.flip(1)).flip(1)
        fwd_suffix = self._suffix_pools(head, forward_lstm, h)
        forward = _readout(head, fwd_prefix, bwd_prefix)
        backward = _readout(head, fwd_suffix, bwd_suffix)
        return torch.stack([forward, backward], 1)

    def _suffix_pools(self, head: BiLSTMHead, lstm: torch.nn.LSTM,
                      h: torch.Tensor) -> torch.Tensor:
        """(n, L, H): pooled output (as ``head`` pools) of ``lstm`` run on each
        suffix h[:, s:]."""
        n, length, width = h.shape
        out = torch.empty(n, length, lstm.hidden_size, device=h.device, dtype=h.dtype)
        steps = torch.arange(length, device=h.device)
        # Padding never wins the maximum and adds nothing to the sum.
        padding = float("-inf") if head.lstm_pool == "max" else 0.0
        for start in range(0, length, max(1, self.batch_size // n)):
            starts = torch.arange(start, min(length, start + max(1, self.batch_size // n)),
                                  device=h.device)
            lengths = length - starts
            index = (starts[:, None] + steps[None, :]).clamp(max=length - 1)  # (c, L)
            subs = h[:, index]  # (n, c, L, D): suffixes, padded with repeats
            subs = subs.reshape(-1, length, width)
            packed = pack_padded_sequence(subs, lengths.repeat(n).cpu(), batch_first=True,
                                          enforce_sorted=False)
            outputs, _ = pad_packed_sequence(lstm(packed)[0], batch_first=True,
                                             total_length=length, padding_value=padding)
            if head.lstm_pool == "max":
                pooled = outputs.amax(1)
            else:
                pooled = outputs.sum(1) / lengths.repeat(n)[:, None].to(h.dtype)
            out[:, starts] = pooled.reshape(n, len(starts), -1)
        return out


def _direction(head: BiLSTMHead, *, reverse: bool) -> torch.nn.LSTM:
    """One direction of ``head``'s bidirectional LSTM as a unidirectional LSTM."""
    lstm = head.lstm
    single = torch.nn.LSTM(lstm.input_size, lstm.hidden_size, batch_first=True).to(
        lstm.weight_ih_l0.device)
    suffix = "_reverse" if reverse else ""
    single.load_state_dict({
        name: getattr(lstm, f"{name}{suffix}")
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
    })
    return single


def _readout(head: BiLSTMHead, forward_mean: torch.Tensor, backward_mean: torch.Tensor):
    """The head's linear output on per-direction means, (n, L) logits."""
    return head.output(torch.cat([forward_mean, backward_mean], -1)).squeeze(-1)
