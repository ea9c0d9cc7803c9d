"""The HTML report in a real headless Chromium: offline, phone-width, charts drawn."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lednet.report.build import build_reports
from tests import golden_workspace

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="needs /usr/bin/chromium")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("browser")
    workspace = golden_workspace.build(tmp)
    result = build_reports(workspace, 2012, formats=["html"], out_dir=tmp / "out")
    return [p for p in result.paths if p.stem in ("2012_E06000014_York", "2012_network")]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def open_page(browser, path: Path, width: int):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 800})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, [url for url in requests if url != path.as_uri()]


def test_reports_make_no_network_requests(browser, pages: list[Path]) -> None:  # type: ignore[no-untyped-def]
    for path in pages:
        page, requests = open_page(browser, path, 1200)
        assert requests == [], f"{path.name} requested {requests}"
        page.close()


def test_no_horizontal_overflow_on_a_phone(browser, pages: list[Path],  # type: ignore[no-untyped-def]
                                           tmp_path: Path) -> None:
    for path in pages:
        page, _ = open_page(browser, path, 375)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path.name} is {width}px wide at 375px"
        shot = tmp_path / f"{path.stem}-375.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        page.close()


def test_every_chart_is_drawn(browser, pages: list[Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for path in pages:
        page, _ = open_page(browser, path, 1200)
        charts = page.evaluate(
            "[...document.querySelectorAll('svg')].map(s => [s.childElementCount,"
            " s.getBoundingClientRect().width, s.getBoundingClientRect().height])")
        assert charts, f"{path.name} has no charts"
        for count, width, height in charts:
            assert count > 2 and width > 100 and height > 20
        page.screenshot(path=str(tmp_path / f"{path.stem}-desktop.png"), full_page=True)
        page.close()
