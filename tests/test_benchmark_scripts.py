"""The benchmark scripts' own logic: what they keep, pair and check."""
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
sys.path.insert(0, str(BENCHMARKS / "studies"))
import device_agreement  # noqa: E402
import epoch_caps  # noqa: E402
import explainers  # noqa: E402


def test_epoch_caps_run_of_one_part_keeps_the_other_parts_rows(tmp_path, monkeypatch):
    (tmp_path / "results").mkdir()
    shutil.copy(BENCHMARKS / "results" / "epoch_caps.json", tmp_path / "results")
    earlier = json.loads((tmp_path / "results" / "epoch_caps.json").read_text())
    grammar_label = epoch_caps.PART_LABELS["grammar"]
    new = [dict(run, fit_seconds=-1.0) for run in earlier if run["part"] == grammar_label]
    sections = {}
    monkeypatch.setattr(epoch_caps, "HERE", tmp_path)
    monkeypatch.setattr(epoch_caps, "grammar_rows", lambda: new)
    monkeypatch.setattr(epoch_caps, "write_section",
                        lambda key, text: sections.setdefault(key, text))
    runs = epoch_caps.main(["--parts", "grammar"])
    assert runs == [run for run in earlier if run["part"] != grammar_label] + new
    assert json.loads((tmp_path / "results" / "epoch_caps.json").read_text()) == runs
    assert "--parts grammar (the rest rows kept from an earlier run)" in sections["epoch-caps"]


def test_throughput_ratios_pair_every_matching_row_of_the_same_model():
    rows = [{"model": model, "explainer": label, "seq_per_s": rate} for model, label, rate in [
        ("M", "ours: SaliencyExplainer(method='expected_gradients', n_samples=50)", 10.0),
        ("M", "ours: SaliencyExplainer(method='expected_gradients', n_samples=50, batch_size=400)", 20.0),
        ("M", "captum: GradientShap(n_samples=50)", 5.0),
        ("N", "captum: GradientShap(n_samples=50)", 1.0)]]
    ratios = explainers.throughput_ratios(rows)
    assert [(model, ratio) for model, _, _, ratio in ratios] == [("M", 2.0), ("M", 4.0)]


@pytest.mark.slow
def test_device_agreement_on_the_cpu_is_exact_between_devices():
    """Run with --device cpu: the two 'devices' agree exactly; the fast
    algorithms agree with their references to float32 rounding."""
    results, sensitivity = device_agreement.agreement("cpu", n_train=400, epochs=1)
    across = {key: value for key, value in results.items() if "cpu vs cpu" in key}
    assert len(across) == 11 and not any(across.values())
    assert all(value < 1e-4 for value in results.values())
    assert set(sensitivity) == {f"{name} saliency on cpu: float32 vs float64" for name in
                                ("CNNClassifier", "RNNClassifier", "CNNRNNClassifier")}
    assert device_agreement.relative_difference(np.array([1.0, 2.0]), np.array([1.0, 4.0])) == 0.5


def test_cpu_time_summary_adds_up_each_module_and_each_worker(tmp_path, capsys):
    import json

    import pytest_cpu_time

    (tmp_path / "gw0.json").write_text(json.dumps([
        ["tests/test_a.py::one", 10.0, 0.0, 8.0], ["tests/test_a.py::two", 5.0, 1.0, 4.0]]))
    (tmp_path / "gw1.json").write_text(json.dumps([["tests/test_b.py::one", 1.0, 20.0, 30.0]]))
    pytest_cpu_time.summarise(tmp_path)
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["gw0: 12 s of wall", "gw1: 30 s of wall"]
    assert lines[3].split() == ["1.0", "20.0", "30.0", "gw1", "tests/test_b.py"]
    assert lines[4].split() == ["15.0", "1.0", "12.0", "gw0", "tests/test_a.py"]
