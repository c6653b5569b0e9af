import pytest
import torch

from sklearn_demo.modules import BiLSTMHead, DeMoCNN, DeMoCNNRNN, DeMoRNN


@pytest.mark.parametrize("module", [DeMoCNN(), DeMoRNN(), DeMoCNNRNN()],
                         ids=["cnn", "rnn", "cnnrnn"])
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


def test_bilstm_head_averages_each_direction_over_time():
    torch.manual_seed(0)
    head = BiLSTMHead(4, hidden_size=3, dropout=0.0).eval()
    h = torch.rand(2, 7, 4)
    states, _ = head.lstm(h)
    expected = head.output(torch.cat([states[..., :3].mean(1), states[..., 3:].mean(1)], -1))
    torch.testing.assert_close(head(h), expected.squeeze(-1))


def test_cnn_global_max_makes_it_shift_invariant_to_padding():
    torch.manual_seed(0)
    cnn = DeMoCNN(n_filters=8, filter_widths=(3,)).eval()
    x = torch.zeros(1, 4, 30)
    x[0, 0, 10:15] = 1
    shifted = torch.roll(x, 5, dims=2)
    torch.testing.assert_close(cnn(x), cnn(shifted))
