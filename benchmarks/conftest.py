"""Options and inputs of the speed benchmarks."""
import numpy as np
import pytest
import torch

from sklearn_demo import make_motif_dataset


def pytest_addoption(parser):
    parser.addoption("--bench-device", default="cpu",
                     help="torch device the network benchmarks run on: cpu (default) or cuda")


@pytest.fixture(scope="session")
def device(request) -> str:
    """The torch device named by ``--bench-device``."""
    name = request.config.getoption("--bench-device")
    if name.startswith("cuda") and not torch.cuda.is_available():
        pytest.skip(f"--bench-device={name}, but torch sees no CUDA device here")
    return name


@pytest.fixture(scope="session")
def random_dna():
    """``random_dna(length, n)``: ``n`` random DNA strings of ``length`` bases,
    the same ones at every call."""
    def sequences(length: int, n: int) -> list[str]:
        rng = np.random.RandomState(0)
        return ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]
    return sequences


@pytest.fixture(scope="session")
def one_epoch_model(device):
    """``one_epoch_model(cls)``: a ``cls`` network trained one epoch on 300
    planted-motif sequences on the benchmark's device, once per class and
    session (the explanation benchmarks time the passes, not what was learned)."""
    data = make_motif_dataset(300, random_state=0)
    models = {}

    def fitted(cls):
        if cls not in models:
            models[cls] = cls(max_epochs=1, random_state=0, verbose=0, device=device).fit(
                data.X, data.y)
        return models[cls]
    return fitted
