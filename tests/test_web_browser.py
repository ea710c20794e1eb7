"""The explorer in real Chromium (Playwright, Debian's chromium), against `claimledger serve`."""
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, run_cli
from .test_serve import HOSTILE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read()}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def serving(db: Path, *extra: str):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "claimledger", "serve", "--db", str(db), "--port", str(port), *extra],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/groups.json", proc)
    return proc, base


@pytest.fixture()
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def test_groups_to_figure_to_passage_search_and_a_correction_that_survives_a_rebuild(browser, tmp_path):
    db = tmp_path / "l.db"
    assert run_cli("build", str(EXAMPLES), "--db", str(db), "-q").returncode == 0
    proc, base = serving(db, "--allow-review")
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/groups")
        page.locator("table.groups a").first.click()
        page.locator("table.figures td a[href^='/figures/']").first.click()
        mark = page.locator("#passage mark#span")
        assert mark.is_visible() and mark.inner_text().strip()
        figure_url = page.url
        page.screenshot(path=str(ARTIFACTS / "figure.png"), full_page=True)

        page.fill("nav input[name=q]", "asylum")
        page.press("nav input[name=q]", "Enter")
        page.wait_for_url("**/search?q=asylum")
        assert page.locator("ul.results li").count() >= 1 and page.locator("ul.results mark").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

        page.goto(figure_url)
        page.fill("form.review-form input[name=reviewer]", "Ana Analyst")
        page.select_option("form.review-form select[name=action]", "correct")
        page.select_option("form.review-form select[name=field]", "category")
        page.fill("form.review-form input[name=value]", "displaced")
        page.fill("form.review-form input[name=reason]", "checked against the source")
        page.click("form.review-form button")
        page.wait_for_url(figure_url)
        assert "corrected" in page.inner_text("h1")
    finally:
        proc.terminate()
        proc.wait()

    (tmp_path / "more.txt").write_text("Officials said on Friday that 12 more soldiers had been wounded near the border.")
    assert run_cli("build", str(EXAMPLES), str(tmp_path / "more.txt"), "--db", str(db), "-q").returncode == 0
    proc, base = serving(db)
    try:
        page = browser.new_page()
        page.goto(figure_url.replace(figure_url.split("/figures/")[0], base))
        assert "corrected" in page.inner_text("h1")
        assert "displaced" in page.inner_text("table") and "Ana Analyst" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "after-rebuild.png"), full_page=True)
    finally:
        proc.terminate()
        proc.wait()


def test_hostile_articles_execute_nothing(browser, tmp_path):
    (tmp_path / "evil.html").write_text(f"<html><body><article>{HOSTILE}</article></body></html>")
    (tmp_path / "evil.txt").write_text(HOSTILE.replace("<h1>", "").replace("</h1>", "\n\n"))
    db = tmp_path / "l.db"
    assert run_cli("build", str(tmp_path), "--db", str(db), "-q").returncode == 0
    proc, base = serving(db)
    dialogs = []
    try:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "/documents")
        links = [a.get_attribute("href") for a in page.locator("main table a").all()]
        assert links
        for href in links + ["/figures", "/quotes", "/search?q=soldiers"]:
            page.goto(base + href)
            assert page.evaluate("typeof window.__xss") == "undefined", href
            assert page.locator("main script").count() == 0 and page.locator("main [onerror]").count() == 0
            assert page.locator("main a[href^='javascript:']").count() == 0
        page.screenshot(path=str(ARTIFACTS / "hostile-document.png"), full_page=True)
    finally:
        proc.terminate()
        proc.wait()
    assert dialogs == []
