"""The report as an analyst opens it: real Chromium (Playwright, Debian's chromium), network cut off,
on the seeds plus our own flood articles (tests/fixtures/velmora.jsonl). Screenshots are kept in
test-artifacts/; test-artifacts/report-examples.png is the README's docs/report.png."""
import re
import shutil
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, SHARED, run_cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
VELMORA = ROOT / "tests" / "fixtures" / "velmora.jsonl"
DATE_TICK = re.compile(r"^(\d{1,2} )?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)( \d{4})?$|^\d{4}$")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)", allow_module_level=True)


@pytest.fixture()
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def report_file(tmp_path, *inputs) -> Path:
    db, page = tmp_path / "l.db", tmp_path / "report.html"
    assert run_cli("build", *inputs, "--db", str(db), "-q").returncode == 0
    assert run_cli("report", "--db", str(db), "-o", str(page)).returncode == 0
    return page


def offline_page(browser, requests: list):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/*", lambda route: (requests.append(route.request.url),
                                      route.continue_() if route.request.url.startswith("file:") else route.abort()))
    return page


def test_the_disputed_figure_comes_first_and_reads_as_an_answer(browser, tmp_path):
    seeds = [str(SHARED / "seeds")] if (SHARED / "seeds").is_dir() else []
    requests = []
    page = offline_page(browser, requests)
    page.goto(report_file(tmp_path, *seeds, str(EXAMPLES), str(VELMORA)).as_uri())

    first = page.locator("section.group").first
    assert first.get_attribute("data-status") == "conflicting"
    assert page.locator("nav.toc li").first.locator("a").inner_text() == first.locator(".title").inner_text()
    title = first.locator(".title").inner_text()
    assert ":" not in title and re.fullmatch(r"[A-Z][\w'’ -]+", title) and len(title.split()) >= 2

    for part in ("lowest", "best", "highest"):
        cell = first.locator(f"dl.range dd.{part}")
        assert cell.is_visible() and re.search(r"\d", cell.inner_text())
    reason = first.locator("p.reason").inner_text()
    originators = first.locator("table.originators td.originator")
    assert originators.count() >= 2
    for i in range(originators.count()):
        name, latest = originators.nth(i).inner_text(), first.locator("table.originators td.latest").nth(i)
        assert latest.is_visible() and f"{name}: {latest.inner_text()}" in reason

    plot = first.locator("svg.plot")
    box = plot.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    ticks = [t.strip() for t in plot.locator(".x-axis text.date").all_text_contents()]
    assert len(ticks) >= 2 and all(DATE_TICK.match(t) for t in ticks), ticks
    tick_x = [plot.locator(".x-axis text.date").nth(i).bounding_box()["x"] for i in range(len(ticks))]
    assert tick_x == sorted(tick_x)
    dots = plot.locator("g.point circle")
    centres = []
    for i in range(dots.count()):
        b = dots.nth(i).bounding_box()
        assert b and b["width"] >= 6 and box["x"] <= b["x"] and b["x"] + b["width"] <= box["x"] + box["width"]
        centres.append((b["x"] + b["width"] / 2, b["y"] + b["height"] / 2))
    assert len(centres) == int(re.search(r"\((\d+)\)", first.locator("details.figures summary").inner_text())[1])
    for i, (x, y) in enumerate(centres):
        assert all((x - u) ** 2 + (y - v) ** 2 >= 7 ** 2 for u, v in centres[i + 1:]), centres
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
    first.screenshot(path=str(ARTIFACTS / "report-first-group.png"))

    first.locator("details.figures summary").click()
    first.locator("table.estimates a").first.click()
    passage = page.locator(first.locator("table.estimates a").first.get_attribute("href"))
    assert passage.is_visible() and passage.locator("mark").inner_text().strip()
    assert all(url.startswith("file:") for url in requests), requests


def test_the_examples_report_screenshot(browser, tmp_path):
    """The picture in the README: the bundled examples and our flood articles, top of the page."""
    requests = []
    page = offline_page(browser, requests)
    page.goto(report_file(tmp_path, str(EXAMPLES), str(VELMORA)).as_uri())
    assert page.locator("section.group").count() == page.locator("nav.toc li").count() >= 5
    assert page.locator("section.group").first.get_attribute("data-status") == "conflicting"
    page.locator("#estimates").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "report-examples.png"), clip={"x": 0, "y": 0, "width": 1280, "height": 1400},
                    full_page=True)
    assert (ARTIFACTS / "report-examples.png").stat().st_size > 20_000
    assert all(url.startswith("file:") for url in requests), requests
