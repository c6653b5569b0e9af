import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_demo.encoding import one_hot_encode, reverse_complement

from sklearn_demo.networks import (BiLSTMHead, DeMoCNN, DeMoCNNRNN, DeMoRNN, StrandPairedConv1d,
                                  chrono_initialize_, init_input_weights_)


@pytest.mark.parametrize("module", [DeMoCNN(), DeMoRNN(), DeMoCNNRNN(),
                                    DeMoCNNRNN(pool_size=4, lstm_pool="max"),
                                    DeMoCNNRNN(pool_size=4, filter_strands="both"),
                                    DeMoCNN(filter_strands="both", global_pool="max+mean")],
                         ids=["cnn", "rnn", "cnnrnn", "pooled-cnnrnn", "both-strands-cnnrnn",
                              "both-strands-max-mean-cnn"])
@pytest.mark.parametrize("length", [1, 2, 9, 101, 250])
def test_one_logit_per_sequence_for_any_length(module, length):
    assert module(torch.rand(3, 4, length)).shape == (3,)


def test_demo_defaults():
    cnn = DeMoCNN()
    convs = [m for m in cnn.features if isinstance(m, torch.nn.Conv1d)]
    assert [c.kernel_size[0] for c in convs] == [9, 5, 3]
    assert {c.out_channels for c in convs} == {128}
    assert sum(isinstance(m, torch.nn.MaxPool1d) for m in cnn.features) == 2
    rnn = DeMoRNN()
    assert rnn.recurrent.lstm.hidden_size == 32 and rnn.recurrent.lstm.bidirectional
    cnnrnn = DeMoCNNRNN()
    assert cnnrnn.conv.out_channels == 128 and cnnrnn.recurrent.lstm.input_size == 128
    # DeMo's modules: the LSTM reads every position and averages its outputs.
    assert rnn.recurrent.lstm_pool == cnnrnn.recurrent.lstm_pool == "mean"
    assert rnn.positions_per_step == cnnrnn.positions_per_step == 1


def test_bilstm_head_averages_each_direction_over_time():
    torch.manual_seed(0)
    head = BiLSTMHead(4, hidden_size=3, dropout=0.0).eval()
    h = torch.rand(2, 7, 4)
    states, _ = head.lstm(h)
    expected = head.output(torch.cat([states[..., :3].mean(1), states[..., 3:].mean(1)], -1))
    torch.testing.assert_close(head(h), expected.squeeze(-1))


def test_bilstm_head_max_pools_each_direction_over_time():
    torch.manual_seed(0)
    head = BiLSTMHead(4, hidden_size=3, dropout=0.0, lstm_pool="max").eval()
    h = torch.rand(2, 7, 4)
    states, _ = head.lstm(h)
    expected = head.output(torch.cat([states[..., :3].amax(1), states[..., 3:].amax(1)], -1))
    torch.testing.assert_close(head(h), expected.squeeze(-1))
    # running_pool's last entry is the pool over all positions, its first the first state.
    running = head.running_pool(states)
    torch.testing.assert_close(running[:, -1], states.amax(1))
    torch.testing.assert_close(running[:, 0], states[:, 0])
    with pytest.raises(ValueError, match="'lstm_pool' must be one of"):
        BiLSTMHead(4, lstm_pool="sum")


@pytest.mark.parametrize("pool", ["max", "mean"])
def test_lstm_on_both_strands_is_one_lstm_read_5_to_3_on_each(pool):
    """lstm_strands="both": one unidirectional LSTM, run on the sequence and
    on its reverse complement, its outputs pooled over the positions of both."""
    torch.manual_seed(0)
    head = BiLSTMHead(4, hidden_size=3, dropout=0.0, lstm_pool=pool, lstm_strands="both").eval()
    assert not head.lstm.bidirectional and head.output.in_features == 3
    h = torch.eye(4)[torch.randint(0, 4, (2, 7))]
    both = torch.cat([head.lstm(h)[0], head.lstm(h.flip((1, 2)))[0]], 1)
    pooled = both.amax(1) if pool == "max" else both.mean(1)
    torch.testing.assert_close(head(h), head.output(pooled).squeeze(-1))
    # DeMo's temporal scores: the batched prefixes and suffixes match one pass each.
    torch.testing.assert_close(head.prefix_suffix_logits(h),
                               head.prefix_suffix_logits(h, algorithm="loop"))
    with pytest.raises(ValueError, match="lstm_strands='both' needs DNA input with the 4"):
        BiLSTMHead(8, lstm_strands="both")
    with pytest.raises(ValueError, match="'lstm_strands' must be one of"):
        DeMoRNN(lstm_strands="reverse")


@settings(max_examples=25, deadline=None)
@given(st.text("ACGT", min_size=1, max_size=40), st.sampled_from(["max", "mean"]))
def test_lstm_on_both_strands_scores_a_sequence_as_its_reverse_complement(sequence, pool):
    torch.manual_seed(1)
    module = DeMoRNN(hidden_size=4, lstm_pool=pool, lstm_strands="both").eval()
    x = torch.as_tensor(one_hot_encode([sequence, reverse_complement(sequence)]))
    scores = module(x)
    torch.testing.assert_close(scores[0], scores[1])


def test_pooled_cnnrnn_reads_one_lstm_step_per_block():
    """pool_size=4: the LSTM reads the block-wise maximum of the feature maps."""
    torch.manual_seed(0)
    module = DeMoCNNRNN(n_filters=5, pool_size=4).eval()
    x = torch.rand(2, 4, 10)
    maps = torch.relu(module.conv(x))
    embedded = module.embed(x)
    assert embedded.shape == (2, 3, 5)  # ceil(10 / 4) steps, the last one partial
    torch.testing.assert_close(embedded[:, 1], maps[:, :, 4:8].amax(2))
    torch.testing.assert_close(embedded[:, 2], maps[:, :, 8:].amax(2))


@pytest.mark.parametrize("pool_size", [1, 4])
def test_strand_paired_cnnrnn_pools_before_its_relu_as_if_after(pool_size):
    """The CNN-RNN on both strands max-pools its strand maximum, then applies
    the ReLU: the values, and the gradients of the weights, of the ReLU'd
    strand maximum max-pooled (torch.maximum), written out here."""
    torch.manual_seed(0)
    module = DeMoCNNRNN(n_filters=6, pool_size=pool_size, filter_strands="both")
    x = torch.eye(4)[torch.randint(0, 4, (3, 30))].transpose(1, 2)  # 30: a partial last block
    forward, reverse = module.conv.strand_responses(x)
    by_hand = torch.nn.functional.max_pool1d(torch.relu(torch.maximum(forward, reverse)),
                                             pool_size, ceil_mode=True).transpose(1, 2)
    weights = torch.randn(by_hand.shape)
    expected = torch.autograd.grad((by_hand * weights).sum(), module.conv.weight)[0]
    embedded = module.embed(x)
    torch.testing.assert_close(embedded, by_hand)
    torch.testing.assert_close(
        torch.autograd.grad((embedded * weights).sum(), module.conv.weight)[0], expected)


def test_cnn_global_max_makes_it_shift_invariant_to_padding():
    torch.manual_seed(0)
    cnn = DeMoCNN(n_filters=8, filter_widths=(3,)).eval()
    x = torch.zeros(1, 4, 30)
    x[0, 0, 10:15] = 1
    shifted = torch.roll(x, 5, dims=2)
    torch.testing.assert_close(cnn(x), cnn(shifted))


def test_cnn_max_and_mean_pool_concatenates_both_over_positions():
    """global_pool="max+mean": the output layer reads each last feature's
    maximum, then its mean, over positions (DeepBind's "maxavg")."""
    torch.manual_seed(0)
    cnn = DeMoCNN(n_filters=6, filter_widths=(5, 3), global_pool="max+mean").eval()
    x = torch.rand(2, 4, 30)
    maps = cnn.features(x)
    expected = cnn.output(torch.cat([maps.amax(2), maps.mean(2)], 1)).squeeze(-1)
    torch.testing.assert_close(cnn(x), expected)
    assert cnn.output.in_features == 12
    with pytest.raises(ValueError, match="'global_pool' must be one of"):
        DeMoCNN(global_pool="sum")


def test_cnn_reads_its_first_filters_on_both_strands_only_when_asked():
    both = DeMoCNN(filter_strands="both")
    assert type(both.features[0]) is StrandPairedConv1d
    assert all(type(m) is torch.nn.Conv1d for m in both.features[1:]
               if isinstance(m, torch.nn.Conv1d))
    assert type(DeMoCNN().features[0]) is torch.nn.Conv1d


def test_strand_paired_filters_read_a_motif_in_either_orientation():
    """Each output is the larger of a filter's response and its reverse
    complement's, computed here by hand with explicit reverse-complemented
    weights; the reverse complement of the input gives the same maps
    reversed along positions."""
    torch.manual_seed(0)
    conv = StrandPairedConv1d(4, 3, 5, padding="same")
    x = torch.eye(4)[torch.randint(0, 4, (2, 40))].transpose(1, 2)
    rc_weights = conv.weight.flip(2)[:, [3, 2, 1, 0]]  # reversed, A<->T and C<->G
    by_hand = torch.maximum(
        torch.nn.functional.conv1d(x, conv.weight, conv.bias, padding="same"),
        torch.nn.functional.conv1d(x, rc_weights, conv.bias, padding="same"))
    torch.testing.assert_close(conv(x), by_hand)
    # the gradients of torch.maximum, too (no exact ties between the strands here)
    weights = torch.randn(by_hand.shape)
    torch.testing.assert_close(
        torch.autograd.grad((conv(x) * weights).sum(), conv.weight)[0],
        torch.autograd.grad((by_hand * weights).sum(), conv.weight)[0])
    torch.testing.assert_close(conv(x.flip((1, 2))), conv(x).flip(2))
    with pytest.raises(ValueError, match="filter_strands='both' needs DNA input"):
        StrandPairedConv1d(5, 3, 5)
    with pytest.raises(ValueError, match="'filter_strands' must be one of"):
        DeMoCNNRNN(filter_strands="reverse")


def test_chrono_initialisation_gives_each_unit_a_memory_of_up_to_the_timescale():
    """Forget-gate bias log(u), input-gate bias -log(u), u in [1, timescale - 1]:
    at zero input a unit's cell keeps u / (1 + u) of itself per step."""
    torch.manual_seed(0)
    lstm = chrono_initialize_(torch.nn.LSTM(4, 256, bidirectional=True), timescale=50)
    for suffix in ("", "_reverse"):
        bias = getattr(lstm, f"bias_ih_l0{suffix}") + getattr(lstm, f"bias_hh_l0{suffix}")
        input_gate, forget_gate, candidate, output_gate = bias.detach().chunk(4)
        u = forget_gate.exp()
        assert u.min() >= 1 and u.max() <= 49 and u.max() > 40 and u.min() < 3
        torch.testing.assert_close(input_gate, -forget_gate)
        assert not candidate.any() and not output_gate.any()


def test_input_weights_are_drawn_uniform_with_the_standard_deviation_asked_for():
    """Both directions' input weights, U(-sqrt(3) std, sqrt(3) std); the
    recurrent weights and the biases keep torch's draw."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(4, 256, bidirectional=True)
    before = {name: p.detach().clone() for name, p in lstm.named_parameters()}
    init_input_weights_(lstm, std=0.5)
    for name, param in lstm.named_parameters():
        if name.startswith("weight_ih"):
            values = param.detach()
            assert abs(float(values.std()) - 0.5) < 0.02
            assert float(values.abs().max()) <= 3 ** 0.5 * 0.5
            assert float(values.abs().max()) > 0.8  # the whole interval is used
        else:
            torch.testing.assert_close(param.detach(), before[name])
    with pytest.raises(ValueError, match="must be positive, got 0"):
        init_input_weights_(lstm, std=0)


def test_input_weight_scale_reaches_the_rnn_and_keeps_torchs_otherwise():
    torch.manual_seed(0)
    assert abs(float(DeMoRNN(hidden_size=64, lstm_input_std=1.0).recurrent.lstm
                     .weight_ih_l0_reverse.std()) - 1.0) < 0.05
    default = DeMoRNN(hidden_size=64).recurrent.lstm.weight_ih_l0
    assert float(default.abs().max()) <= 1 / 64 ** 0.5  # torch's uniform initialisation


def test_chrono_timescale_reaches_the_lstm_of_both_recurrent_networks():
    torch.manual_seed(0)
    for module in (DeMoRNN(lstm_timescale=30), DeMoCNNRNN(lstm_timescale=30)):
        forget = module.recurrent.lstm.bias_ih_l0.detach().chunk(4)[1]
        assert forget.min() >= 0 and forget.max() <= torch.log(torch.tensor(29.0))
    default = DeMoRNN().recurrent.lstm.bias_ih_l0.detach().chunk(4)[1]
    assert default.abs().max() <= 1 / 32 ** 0.5  # torch's uniform initialisation
    with pytest.raises(ValueError, match="above 2 steps"):
        DeMoRNN(lstm_timescale=2)
