"""Shared fixtures: seeding, the real-data mirror, small datasets."""
from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
#: The pytest-xdist worker this process is ("gw0", ...), or None without xdist.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if XDIST_WORKER:
    # `make test` runs one worker per core (pytest -n auto): each, and every
    # process its tests start, computes on one thread. Two single-threaded
    # workers train 1.7x as much per second as one process on two threads.
    os.environ["OMP_NUM_THREADS"] = "1"
    torch.set_num_threads(1)
else:
    torch.set_num_threads(min(2, torch.get_num_threads()))

REPO = Path(__file__).resolve().parents[1]


#: The modules of longest run, longest first (pytest --durations on this
#: project's 2-core machine): collected first, so that pytest-xdist (`make
#: test` runs ``-n auto --dist loadfile --no-loadscope-reorder``) starts them
#: first and the short ones fill in around them. Only the order depends on it.
LONGEST_MODULES = ("test_ground_truth.py", "test_app_browser.py", "test_order_grammar.py",
                   "test_cli.py", "test_integration.py", "test_multitask.py", "test_genome.py",
                   "test_app.py", "test_discovery.py", "test_inference.py", "test_examples.py",
                   "test_docs.py", "test_estimators.py", "test_benchmark_harness.py")


def pytest_collection_modifyitems(items):
    """A test of the session's report waits for it to be built (trained and
    explained): it is slow, whatever it does itself. The longest modules
    run first (:data:`LONGEST_MODULES`)."""
    for item in items:
        if "dashboard_report" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    rank = {name: i for i, name in enumerate(LONGEST_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


#: A test whose own call takes longer than this (seconds, on a busy 2-core
#: machine; a shared fixture's training counts as setup) belongs out of
#: ``make test-fast``: the run's summary lists any such test not marked
#: slow (or integration, browser, docs).
UNMARKED_SLOW_SECONDS = 30
_LANE_MARKERS = {"slow", "integration", "browser", "docs"}
_unmarked_slow: list[tuple[str, float]] = []


def pytest_runtest_logreport(report):
    if (report.when == "call" and report.duration > UNMARKED_SLOW_SECONDS
            and not _LANE_MARKERS & set(report.keywords)):
        _unmarked_slow.append((report.nodeid, report.duration))


def pytest_terminal_summary(terminalreporter):
    if _unmarked_slow:
        terminalreporter.write_sep("-", f"over {UNMARKED_SLOW_SECONDS} s, not marked slow "
                                        "(make test-fast runs them): mark them")
        for nodeid, seconds in sorted(_unmarked_slow, key=lambda item: -item[1]):
            terminalreporter.write_line(f"{seconds:6.1f} s  {nodeid}")


@pytest.fixture(autouse=True)
def _seed_everything():
    """Every test starts from the same global random state."""
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture(autouse=True)
def _torch_threads_as_set():
    """A test that calls numba-parallel peers itself (tangermeme, shap) may
    leave torch on every core (numba's OpenMP layer shares torch's runtime):
    the next test gets the worker's thread count back, so two workers never
    compute on four threads on two cores."""
    from sklearn_demo._threads import torch_threads_kept

    with torch_threads_kept():
        yield


def _mirror_folder() -> Path:
    return Path(os.environ.get("SKLEARN_DEMO_MIRROR", REPO.parent / "shared" / "data" / "deepbind_encode"))


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror of DeepBind's ENCODE files (../shared/data/deepbind_encode)."""
    folder = _mirror_folder()
    if not (folder / "SHA256SUMS").is_file():
        pytest.skip(f"the DeepBind mirror is not at {folder}; set SKLEARN_DEMO_MIRROR")
    return folder


@pytest.fixture(scope="session")
def data_home(tmp_path_factory) -> Path:
    """One cache folder for the whole session, so each file is verified once."""
    return tmp_path_factory.mktemp("sklearn_demo_data")


@pytest.fixture(scope="session")
def motif_data():
    """A small planted-motif dataset (CTCF and GABPA sites in the positives)."""
    from sklearn_demo import make_motif_dataset

    return make_motif_dataset(600, random_state=0)


#: The tasks of the multi-task planted set: CTCF, GABPA, and both together.
MULTITASK_MOTIFS = ("MA0139", "MA0062", "MA0139+MA0062")
MULTITASK_NAMES = ["CTCF", "GABPA", "CTCF+GABPA"]


class FittedModels:
    """The models several test modules need, each fitted once per session.

    ``fitted_models(name)`` returns the fitted model of recipe ``name``;
    ``fitted_models.data(name)`` the data it was fitted on. A test must not
    change a shared model (``clone`` it, or ``copy.deepcopy`` it, first).

    Recipes: ``"tiny_cnn"`` (4 filters, one epoch: for plumbing, files and
    errors), ``"small_cnn"``, ``"small_rnn"``, ``"small_cnnrnn"`` (small
    networks, three epochs: for the explainers' exact checks), all on
    ``motif_data``; ``"planted_cnn"``, ``"planted_cnnrnn"`` (the defaults,
    8 epochs on 2,500 sequences with CTCF and GABPA sites; the CNN with 32
    filters, the CNN-RNN one network) and ``"ctcf_cnn"``, ``"ctcf_cnnrnn"``
    (every positive has one CTCF site; a 32-filter CNN, one CNN-RNN network):
    models that learned their motifs, for the checks against planted truth;
    ``"tasks_cnnrnn"``: one multi-task CNN-RNN network for CTCF, GABPA and
    both together (:data:`MULTITASK_MOTIFS`).
    """

    def __init__(self, motif_data):
        from sklearn_demo import CNNClassifier, CNNRNNClassifier, RNNClassifier
        from sklearn_demo import make_motif_dataset

        small = dict(max_epochs=3, verbose=0, random_state=0, validation_fraction=0)
        learned = dict(verbose=0, random_state=0)
        self._recipes = {
            "tiny_cnn": ("motif", CNNClassifier(n_filters=4, max_epochs=1, verbose=0,
                                                random_state=0)),
            # one strand, one network: the exact checks compare with references on
            # the module (an ensemble's explanations: test_ensemble.py)
            "small_cnn": ("motif", CNNClassifier(n_filters=8, reverse_complement=False, **small)),
            "small_rnn": ("motif", RNNClassifier(hidden_size=6, **small)),
            "small_cnnrnn": ("motif", CNNRNNClassifier(n_filters=8, hidden_size=6,
                                                       ensemble_size=1, **small)),
            # Early stopping restores the epoch of least validation loss: over 15
            # epochs that was epoch 5 (CNN-RNN) on the planted data, 5 and 9 on CTCF
            # only (test AUC 0.985-0.990 there). So capping at 8 trains the same
            # models in half the time. The CNN-RNNs are one network each
            # (ensemble_size=1), at half the default's time: these checks are of
            # explanations (an ensemble's: test_ensemble.py). Planted, one network
            # against the default two: test AUC 0.992 / 0.994, site AUROC of saliency
            # 0.727 / 0.757 and of ISM 0.829 / 0.863, the dashboard's map 0.845 / 0.890
            # on all sites (DeMo's saliency 0.727 / 0.757). The CNNs have 32 filters, not the
            # default's 128: these checks are of explanations of a network that learned
            # its motifs, and at 32 filters the CNN trains 4-5x faster, as well (test
            # AUC 0.990 at epoch 5 of 6 planted, 0.989 at 10 on CTCF only; the default
            # 0.994 and 0.989).
            "planted_cnn": ("planted", CNNClassifier(n_filters=32, max_epochs=6, **learned)),
            "planted_cnnrnn": ("planted", CNNRNNClassifier(max_epochs=8, ensemble_size=1,
                                                           **learned)),
            "ctcf_cnn": ("ctcf", CNNClassifier(n_filters=32, max_epochs=10, **learned)),
            "ctcf_cnnrnn": ("ctcf", CNNRNNClassifier(max_epochs=8, ensemble_size=1,
                                                     **learned)),
            # Multi-task mechanics, not augmentation: shifts (the default) slow learning on
            # 2,500 sequences (GABPA test AUC 0.81 after 20 epochs, 0.94 after 40; without
            # shifts 0.948 after 20), and 40 epochs would cost the suite half a minute.
            "tasks_cnnrnn": ("tasks", CNNRNNClassifier(max_epochs=20, max_shift=0,
                                                       ensemble_size=1,
                                                       task_names=MULTITASK_NAMES, **learned)),
        }
        self._data = {
            "motif": lambda: motif_data,
            "planted": lambda: make_motif_dataset(3000, random_state=0),
            "ctcf": lambda: make_motif_dataset(3000, motifs=("MA0139",), random_state=0),
            "tasks": lambda: make_motif_dataset(3000, tasks=MULTITASK_MOTIFS, random_state=0),
        }
        self._made: dict = {}

    def data(self, name: str):
        """The data set of recipe ``name`` (the planted sets' first 2,500
        sequences train, the rest test)."""
        key = self._recipes[name][0]
        if key not in self._made:
            self._made[key] = self._data[key]()
        return self._made[key]

    def __call__(self, name: str):
        if name not in self._made:
            data = self.data(name)
            train = slice(None) if self._recipes[name][0] == "motif" else slice(2500)
            self._made[name] = self._recipes[name][1].fit(data.X[train], data.y[train])
        return self._made[name]


@pytest.fixture(scope="session")
def fitted_models(motif_data) -> FittedModels:
    """One session-wide factory of the fitted models several modules share."""
    return FittedModels(motif_data)


def shared_folder(tmp_path_factory, name: str) -> Path:
    """A folder of the whole run: under pytest-xdist, one for all workers
    (the parent of each worker's temporary root), so that what one worker
    builds under :class:`filelock.FileLock` the others read."""
    root = tmp_path_factory.getbasetemp()
    return (root.parent if XDIST_WORKER else root) / name


@pytest.fixture(scope="session")
def dashboard_report(tmp_path_factory) -> Path:
    """One small dashboard run (all three networks and both baselines),
    built once for all workers; the attribution methods' planted-site
    AUROCs on 8 test positives (they are checked at full size in
    test_ground_truth.py). Tests read it and never change it."""
    from filelock import FileLock

    from sklearn_demo.cli import main

    out = shared_folder(tmp_path_factory, "dashboard")
    with FileLock(f"{out}.lock"):
        if not (out / "index.html").is_file():
            assert main(["dashboard", "--n-samples", "300", "--epochs", "2", "--baselines",
                         "--class-iterations", "30", "--site-auroc-sequences", "8", "--quiet",
                         "--out", str(out)]) == 0
    return out


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (``make test`` installs
    it; missing on CI is a failure, elsewhere a skip)."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing on CI: `make test` installs it with apt-get")
        pytest.skip("no chromium on PATH (make test installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
