"""The recurrent part of DeMo's RNN and CNN-RNN: :class:`BiLSTMHead`, a
bidirectional LSTM pooled over positions, with DeMo's temporal scores
(:meth:`BiLSTMHead.prefix_suffix_logits`), and the initialisations of its
LSTM (:func:`chrono_initialize_`, :func:`init_input_weights_`)."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ._validation import Options, check_parameter

POOLS = ("max", "mean")
#: How :meth:`BiLSTMHead.prefix_suffix_logits` evaluates the sub-sequences.
PREFIX_ALGORITHMS = ("batched", "loop")
#: How the LSTM's two directions read DNA: "forward", DeMo's (the backward
#: direction reads the same strand backwards, with weights of its own);
#: "both" (one LSTM reads each strand 5' to 3').
LSTM_STRANDS = ("forward", "both")


def chrono_initialize_(lstm: nn.LSTM, timescale: float) -> nn.LSTM:
    """Chrono initialisation (Tallec & Ollivier, ICLR 2018) of ``lstm``'s gate
    biases, in place: per unit, forget-gate bias ``log(u)`` and input-gate
    bias ``-log(u)`` with ``u ~ Uniform(1, timescale - 1)`` (torch's global
    random state), the other biases zero, so that each unit starts out
    keeping its state for about ``u`` steps instead of halving it at every
    step (torch's initialisation: forget gate about 0.5).

    Examples
    --------
    >>> lstm = chrono_initialize_(nn.LSTM(4, 8), timescale=100)
    >>> forget = lstm.bias_ih_l0[8:16] + lstm.bias_hh_l0[8:16]
    >>> bool((forget >= 0).all() and (forget <= torch.log(torch.tensor(99.0))).all())
    True
    """
    if timescale <= 2:
        raise ValueError(f"the chrono timescale must be above 2 steps, got {timescale!r}.")
    hidden = lstm.hidden_size
    with torch.no_grad():
        for name, bias in lstm.named_parameters():
            if not name.startswith("bias_"):
                continue
            bias.zero_()
            if name.startswith("bias_ih"):  # one of the two bias vectors carries the values
                log_u = torch.empty(hidden).uniform_(1, timescale - 1).log()
                bias[hidden:2 * hidden] = log_u  # gates in torch's order: i, f, g, o
                bias[:hidden] = -log_u
    return lstm


def init_input_weights_(lstm: nn.LSTM, std: float) -> nn.LSTM:
    """Draw ``lstm``'s input-to-hidden weights (both directions) from a
    uniform distribution of standard deviation ``std``, in place (torch's
    global random state); recurrent weights and biases are left as they are.

    For one-hot DNA, where each position sets one of the four inputs, a base
    adds one input weight to each gate's pre-activation. torch draws those
    weights like the recurrent ones, uniform in +-1/sqrt(hidden_size)
    (standard deviation 0.05 at 128 units), so a base barely moves a gate
    that the 128 recurrent weights drive; ``std=1`` gives each base a
    unit-variance push, LeCun's initialisation for the one input that is
    non-zero.

    Examples
    --------
    >>> lstm = init_input_weights_(nn.LSTM(4, 128), std=1.0)
    >>> round(float(lstm.weight_ih_l0.std()), 1), float(lstm.weight_hh_l0.abs().max()) < 0.09
    (1.0, True)
    """
    if not std > 0:
        raise ValueError(f"the input weights' standard deviation must be positive, got {std!r}.")
    bound = 3 ** 0.5 * std
    with torch.no_grad():
        for name, weight in lstm.named_parameters():
            if name.startswith("weight_ih"):
                weight.uniform_(-bound, bound)
    return lstm


class BiLSTMHead(nn.Module):
    """One-layer bidirectional LSTM; each direction's outputs are pooled over
    time (max or mean), concatenated, passed through dropout and a linear
    output.

    Parameters
    ----------
    input_size : int
    hidden_size : int, default=32
        Units per direction.
    dropout : float, default=0.5
    lstm_pool : {"max", "mean"}, default="mean"
        How the outputs are summarised over positions. DeMo took the mean;
        the maximum lets one position (a motif, or a motif read after
        another) decide, and is what makes the LSTM learn from one-hot DNA
        (see :class:`~sklearn_demo.RNNClassifier`).
    lstm_timescale : float or None, default=None
        None: torch's initialisation. A number: :func:`chrono_initialize_`
        with that many steps, for dependencies across many steps.
    lstm_input_std : float or None, default=None
        None: torch's initialisation. A number: the input weights' standard
        deviation (:func:`init_input_weights_`).
    n_outputs : int, default=1
        Logits per sequence (tasks); with one the output has shape (n,).
    lstm_strands : {"forward", "both"}, default="forward"
        "forward": a bidirectional LSTM, each direction with weights of its
        own, the backward one reading the input backwards. "both" (one-hot
        DNA, channels A, C, G, T): one LSTM reads the forward strand 5' to 3'
        and, with the same weights, the reverse strand 5' to 3' (the input
        reverse-complemented); its outputs on the two strands are pooled
        together. A motif is then learned once for both orientations, each
        update sees both strands, and the score of a sequence is that of its
        reverse complement.

    Examples
    --------
    >>> BiLSTMHead(4)(torch.zeros(2, 101, 4)).shape
    torch.Size([2])
    >>> head = BiLSTMHead(4, hidden_size=3, lstm_strands="both").eval()
    >>> x = torch.eye(4)[torch.randint(0, 4, (2, 30))]
    >>> torch.allclose(head(x), head(x.flip((1, 2))), atol=1e-6)
    True
    """

    def __init__(self, input_size: int, hidden_size: int = 32, dropout: float = 0.5,
                 lstm_pool: str = "mean", lstm_timescale: float | None = None,
                 lstm_input_std: float | None = None, n_outputs: int = 1,
                 lstm_strands: str = "forward"):
        super().__init__()
        check_parameter(type(self).__name__, "lstm_pool", lstm_pool, [Options(POOLS)])
        check_parameter(type(self).__name__, "lstm_strands", lstm_strands, [Options(LSTM_STRANDS)])
        both = lstm_strands == "both"
        if both and input_size != 4:
            raise ValueError("lstm_strands='both' needs DNA input with the 4 channels "
                             f"A, C, G, T; got {input_size} channels.")
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=not both)
        if lstm_timescale is not None:
            chrono_initialize_(self.lstm, lstm_timescale)
        if lstm_input_std is not None:
            init_input_weights_(self.lstm, lstm_input_std)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(hidden_size if both else 2 * hidden_size, n_outputs)
        self.lstm_pool = lstm_pool
        self.lstm_strands = lstm_strands

    def run(self, h: torch.Tensor) -> torch.Tensor:
        """The LSTM's outputs on ``h`` (n, length, input_size), shape
        (n, length, 2 * hidden_size): at each position the forward
        direction's state, then the backward direction's (with
        ``lstm_strands="both"``, the state of the reverse strand's read,
        which ends at that position)."""
        if self.lstm_strands == "forward":
            return self.lstm(h)[0]
        forward, backward = self.lstm(torch.cat([h, h.flip((1, 2))]))[0].chunk(2)
        return torch.cat([forward, backward.flip(1)], -1)

    def pool_states(self, states: torch.Tensor) -> torch.Tensor:
        """Pool (n, length, features) LSTM outputs over positions: (n, features)."""
        return states.amax(dim=1) if self.lstm_pool == "max" else states.mean(dim=1)

    def running_pool(self, states: torch.Tensor) -> torch.Tensor:
        """Pool over every prefix: (n, length, features), entry t pools 0..t."""
        if self.lstm_pool == "max":
            return states.cummax(dim=1).values
        counts = torch.arange(1, states.shape[1] + 1, device=states.device,
                              dtype=states.dtype)[None, :, None]
        return states.cumsum(dim=1) / counts

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """Score ``h`` of shape (n, length, input_size); returns (n,) logits.

        The LSTM always runs in its weights' precision (float32 unless the
        module was converted), also under :func:`torch.autocast`:
        its state is carried over every position, where bfloat16 rounding
        accumulates, and oneDNN has no bfloat16 LSTM on CPUs without bfloat16
        units.
        """
        with torch.autocast(h.device.type, enabled=False):
            states = self.run(h.to(self.lstm.weight_ih_l0.dtype))
        return self.output(self.dropout(self._features(self.pool_states(states)))).squeeze(-1)

    def _features(self, pooled: torch.Tensor) -> torch.Tensor:
        """What the output layer reads from (..., 2 * hidden_size) pooled
        states: both directions' side by side; with ``lstm_strands="both"``,
        the two strands pooled together (as one pool over the positions of
        both: the maximum, or the mean of two equal-length means)."""
        if self.lstm_strands == "forward":
            return pooled
        forward, backward = pooled.chunk(2, -1)
        return torch.maximum(forward, backward) if self.lstm_pool == "max" else (forward + backward) / 2

    def prefix_suffix_logits(self, h: torch.Tensor, *, algorithm: str = "batched",
                             batch_size: int = 256) -> torch.Tensor:
        """(n, 2, length) logits of this head on every prefix ([:, 0]) and
        every suffix ([:, 1]) of ``h`` (n, length, input_size): DeMo's
        temporal output scores.

        ``"batched"``: the forward LSTM's states over a prefix are those of
        the full run (and the backward LSTM's over a suffix), so only the
        other direction needs packed passes over the sub-sequences,
        ``batch_size`` sub-sequences at a time. ``"loop"``: one call per
        sub-sequence, the reference.

        Examples
        --------
        >>> head = BiLSTMHead(4, hidden_size=3).eval()
        >>> h = torch.randn(2, 7, 4)
        >>> fast = head.prefix_suffix_logits(h)
        >>> bool(torch.allclose(fast, head.prefix_suffix_logits(h, algorithm="loop"), atol=1e-5))
        True
        """
        length = h.shape[1]
        if algorithm not in PREFIX_ALGORITHMS:
            raise ValueError(f"algorithm must be one of {PREFIX_ALGORITHMS}, got {algorithm!r}.")
        if algorithm == "loop":
            forward = [self(h[:, :i]) for i in range(1, length + 1)]
            backward = [self(h[:, i:]) for i in range(length)]
            return torch.stack([torch.stack(forward, 1), torch.stack(backward, 1)], 1)
        hidden = self.lstm.hidden_size
        states = self.run(h)
        fwd, bwd = states[..., :hidden], states[..., hidden:]
        # Causal: the forward direction over a prefix is the full run's start.
        fwd_prefix = self.running_pool(fwd)
        # Anti-causal: the backward direction over a suffix is the full run's end.
        bwd_suffix = self.running_pool(bwd.flip(1)).flip(1)
        # The other direction starts fresh on every sub-sequence. The backward
        # LSTM over prefix 1..i reads flip(h)[L-i:], a suffix of flip(h) (of
        # the reverse strand, flip(h, (1, 2)), when it reads both strands).
        backward_lstm = self._direction(reverse=True)
        forward_lstm = self._direction(reverse=False)
        reverse_read = h.flip((1, 2)) if self.lstm_strands == "both" else h.flip(1)
        bwd_prefix = self._suffix_pools(backward_lstm, reverse_read, batch_size).flip(1)
        fwd_suffix = self._suffix_pools(forward_lstm, h, batch_size)
        forward = self._readout(fwd_prefix, bwd_prefix)
        backward = self._readout(fwd_suffix, bwd_suffix)
        return torch.stack([forward, backward], 1)

    def _suffix_pools(self, lstm: nn.LSTM, h: torch.Tensor, batch_size: int) -> torch.Tensor:
        """(n, L, H): pooled output (as this head pools) of ``lstm`` run on
        each suffix h[:, s:]."""
        n, length, width = h.shape
        out = torch.empty(n, length, lstm.hidden_size, device=h.device, dtype=h.dtype)
        steps = torch.arange(length, device=h.device)
        # Padding never wins the maximum and adds nothing to the sum.
        padding = float("-inf") if self.lstm_pool == "max" else 0.0
        for start in range(0, length, max(1, batch_size // n)):
            starts = torch.arange(start, min(length, start + max(1, batch_size // n)),
                                  device=h.device)
            lengths = length - starts
            index = (starts[:, None] + steps[None, :]).clamp(max=length - 1)  # (c, L)
            subs = h[:, index]  # (n, c, L, D): suffixes, padded with repeats
            subs = subs.reshape(-1, length, width)
            packed = pack_padded_sequence(subs, lengths.repeat(n).cpu(), batch_first=True,
                                          enforce_sorted=False)
            outputs, _ = pad_packed_sequence(lstm(packed)[0], batch_first=True,
                                             total_length=length, padding_value=padding)
            if self.lstm_pool == "max":
                pooled = outputs.amax(1)
            else:
                pooled = outputs.sum(1) / lengths.repeat(n)[:, None].to(h.dtype)
            out[:, starts] = pooled.reshape(n, len(starts), -1)
        return out

    def _direction(self, *, reverse: bool) -> nn.LSTM:
        """One direction of the bidirectional LSTM as a unidirectional LSTM
        (the LSTM itself when it reads both strands)."""
        lstm = self.lstm
        if not lstm.bidirectional:
            return lstm
        single = nn.LSTM(lstm.input_size, lstm.hidden_size, batch_first=True).to(
            lstm.weight_ih_l0.device)
        suffix = "_reverse" if reverse else ""
        single.load_state_dict({
            name: getattr(lstm, f"{name}{suffix}")
            for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
        })
        return single

    def _readout(self, forward_pool: torch.Tensor, backward_pool: torch.Tensor) -> torch.Tensor:
        """The linear output on per-direction pools, (n, L) logits."""
        return self.output(self._features(torch.cat([forward_pool, backward_pool], -1))).squeeze(-1)
