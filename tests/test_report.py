"""The report: built from a real ledger, opened in real Chromium with the network cut off."""
import csv
import io
import shutil

import pytest

from .conftest import rendered, run_cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_markdown_and_csv_hold_the_estimates(example_ledger):
    md = rendered(example_ledger, "md").splitlines()
    assert md[0].startswith("| group | status | value | originator")
    assert any("killed: people" in line and "National Intelligence Service" in line for line in md)
    rows = list(csv.DictReader(io.StringIO(rendered(example_ledger, "csv"))))
    assert rows and {"group", "status", "value", "originator", "relayed_by", "as_of", "span_text"} <= rows[0].keys()


def test_article_text_is_escaped(tmp_path):
    article = tmp_path / "evil.txt"
    article.write_text("Officials said <script>alert(1)</script> that 30 soldiers were wounded near the "
                       "border, and the ministry said 40 soldiers were wounded there too.")
    db = tmp_path / "l.db"
    assert run_cli("build", str(article), "--db", str(db), "-q").returncode == 0
    page = rendered(db, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_report_renders_offline_in_chromium(example_ledger, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    page_file = tmp_path / "report.html"
    assert run_cli("report", "--db", str(example_ledger), "-o", str(page_file)).returncode == 0
    requests = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda route: (requests.append(route.request.url),
                                          route.continue_() if route.request.url.startswith("file:")
                                          else route.abort()))
        page.goto(page_file.as_uri())
        assert page.locator("table.estimates tbody tr").count() >= 5
        assert page.locator("section.group svg.plot circle").count() >= 5
        assert page.locator("text=National Intelligence Service").first.is_visible()
        box = page.locator("section.group svg.plot").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert all(url.startswith("file:") for url in requests), requests
    assert (tmp_path / "report.png").stat().st_size > 10_000
