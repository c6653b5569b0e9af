"""The dashboard in a real browser: headless Chromium (Debian's ``chromium``,
installed by ``make test``) driven by Playwright.

The screenshot is kept as a test artefact in ``test-artifacts/`` (or
``$SKLEARN_DEMO_ARTIFACTS``).
"""
import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing on CI: `make test` installs it with apt-get")
        pytest.skip("no chromium on PATH (make test installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def test_report_renders_every_image_without_console_errors(browser, dashboard_report):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.goto((dashboard_report / "index.html").as_uri(), wait_until="load")
    images = page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight])")
    # comparison + planted + 3 networks x (3 saliency + 3 temporal + class) + 2 filter grids
    assert len(images) == 2 + 3 * 7 + 2
    undecoded = [alt for alt, complete, width, height in images
                 if not (complete and width > 0 and height > 0)]
    assert undecoded == []
    assert problems == []
    headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
    assert headings[:3] == ["At a glance", "Model comparison", "Planted vs recovered"]
    artifacts = Path(os.environ.get("SKLEARN_DEMO_ARTIFACTS", REPO / "test-artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert (artifacts / "dashboard.png").stat().st_size > 10_000
    page.close()
