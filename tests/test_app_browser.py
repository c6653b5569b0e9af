"""The interactive dashboard in a real browser: ``sklearn-demo serve`` in a
child process, headless Debian chromium driven by Playwright. Every number
the page shows is compared with the saved models' own ``predict_proba``."""
import os
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO
from served_app import click_until, expected_page, p_lines, served, wait_for_reading
from sklearn_demo import load_model
from sklearn_demo.dashboard import SequenceExplorer
from sklearn_demo.dashboard.explorer import DEFAULT_METHOD, VIEWS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def two_models(dashboard_report):
    """Two of the session report's small saved networks and its test set."""
    models = dashboard_report / "models"
    return ([models / "CNNClassifier.pt", models / "CNNRNNClassifier.pt"],
            dashboard_report / "data" / "test_sequences.tsv")


def _watch(page) -> list[str]:
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    return problems


def _expected(files, sequence: str) -> tuple[dict[str, str], dict[str, float]]:
    """p(bound) lines and every map's value at position 41, from the files."""
    engine = SequenceExplorer({f.stem: load_model(f) for f in files})
    return expected_page(engine, sequence, 40, method=DEFAULT_METHOD, views=VIEWS)


def _enter(page, text: str) -> None:
    box = page.locator("textarea").first
    box.fill(text)
    box.press("Tab")  # the box sends its value when it loses focus


def test_serve_paste_edit_upload_and_a_second_tab(browser, two_models, tmp_path):
    files, tests = two_models
    args = [arg for f in files for arg in ("--model", str(f))] + ["--data", str(tests)]
    with served(*args) as (url, process):
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        problems = _watch(page)
        page.goto(url)
        page.locator(".p-line").first.wait_for(timeout=60_000)
        # the first test sequence is open, with every model's p(bound)
        first = load_sequences_first(tests)
        lines, maps = _expected(files, first)
        wait_for_reading(page, lines, maps)
        assert p_lines(page) == lines

        rng = np.random.RandomState(1)
        pasted = "".join(rng.choice(list("ACGT"), 101))
        _enter(page, f">mine\n{pasted}")
        lines, maps = _expected(files, pasted)
        wait_for_reading(page, lines, maps)
        assert p_lines(page) == lines

        edited = pasted[:56] + ("A" if pasted[56] != "A" else "C") + pasted[57:]
        _enter(page, edited)
        new_lines, new_maps = _expected(files, edited)
        wait_for_reading(page, new_lines, new_maps)
        deltas = page.locator(".delta").all_inner_texts()
        assert len(deltas) == 2 and all("against the previous sequence" in d for d in deltas)

        page.get_by_role("button", name="Undo").click()
        wait_for_reading(page, lines, maps)

        page.locator("input[type=file]").set_input_files(files=[{
            "name": "notes.fa", "mimeType": "text/plain", "buffer": b"these are my notes\n"}])
        error = page.locator(".app-error")
        error.get_by_text("notes.fa is not FASTA").wait_for(timeout=30_000)
        _enter(page, "ACGTQ")
        error.get_by_text("invalid character 'Q' at position 5").wait_for(timeout=30_000)

        second = browser.new_page()  # a second tab, served at the same time
        second_problems = _watch(second)
        second.goto(url)
        second.locator(".p-line").first.wait_for(timeout=60_000)
        record = "".join(rng.choice(list("ACGT"), 101))
        _enter(second, record)
        wait_for_reading(second, *_expected(files, record))
        _enter(page, pasted)  # the first tab still answers
        wait_for_reading(page, lines, maps)

        artifacts = Path(os.environ.get("SKLEARN_DEMO_ARTIFACTS", REPO / "test-artifacts"))
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / "app.png"), full_page=True)
        page.close()
        second.close()
        assert problems == [] and second_problems == []
    assert process.returncode == 0


def load_sequences_first(path) -> str:
    from sklearn_demo.dashboard.explorer import load_sequences

    return str(load_sequences(path).sequences[0])


def test_serve_report_folder_lists_tests_and_motifs(browser, dashboard_report):
    with served(str(dashboard_report)) as (url, process):
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        problems = _watch(page)
        page.goto(url)
        page.locator(".p-line").first.wait_for(timeout=60_000)
        assert set(p_lines(page)) == {"CNNClassifier", "RNNClassifier", "CNNRNNClassifier"}
        page.locator(".bk-tab", has_text="Motifs").click()
        cell = page.locator(".tabulator-cell", has_text="class-optimised 1").first
        # a motif's row highlights its FIMO hits in the open sequence
        click_until(cell, lambda ms: page.get_by_text("hit(s) of").first.wait_for(timeout=ms))
        page.screenshot(path="/tmp/motifs.png")
        page.locator(".bk-tab", has_text="Test set").click()
        from sklearn_demo.dashboard.explorer import load_sequences

        fifth = str(load_sequences(dashboard_report / "data" / "test_sequences.tsv")
                    .sequences[4])
        files = sorted((dashboard_report / "models").glob("*.pt"))
        expected = _expected(files, fifth)
        click_until(page.locator(".tabulator-row").nth(4),  # opens the fifth test sequence
                    lambda ms: wait_for_reading(page, *expected, timeout_ms=ms))
        page.close()
        assert problems == []
    assert process.returncode == 0


def test_serve_on_every_address_warns_and_stops_on_sigterm(two_models):
    files, _ = two_models
    with served("--model", str(files[0]), "--host", "0.0.0.0") as (url, process):
        assert url.startswith("http://0.0.0.0:")
    assert process.returncode == 0
    err = process.stderr.read()
    assert "anyone who can reach this machine on the network can use the app" in err
    assert "sklearn-demo: stopped" in err
