"""Options and inputs of the speed benchmarks."""
import numpy as np
import pytest
import torch


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
