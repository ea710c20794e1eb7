"""The explorer in real Chromium (Playwright, Debian's chromium), against `claimledger serve`."""
import shutil
import urllib.request
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, run_cli
from .test_serve import HOSTILE, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
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


def attacker_site(folder: Path, pages: dict[str, str]):
    """Another origin (another port of 127.0.0.1) serving the given pages."""
    import functools
    import http.server
    import threading

    for name, body in pages.items():
        (folder / name).write_text(body)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def test_pages_of_another_origin_cannot_store_a_review_frame_the_form_or_read_its_token(browser, tmp_path):
    import json
    import sqlite3
    import urllib.error

    db = tmp_path / "l.db"
    assert run_cli("build", str(EXAMPLES), "--db", str(db), "-q").returncode == 0
    proc, base = serving(db, "--allow-review")
    figure = json.load(urllib.request.urlopen(base + "/figures.json"))["figures"][0]["id"]
    fields = {"kind": "quantity", "item": figure, "action": "reject", "reviewer": "mallory", "reason": "forged"}
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
    evil = tmp_path / "evil"
    evil.mkdir()
    site, origin = attacker_site(evil, {
        "form.html": f'<form id="f" method="post" action="{base}/review">{inputs}</form>'
                     '<script>document.getElementById("f").submit()</script>',
        "fetch.html": "<script>const body = new URLSearchParams(" + json.dumps(fields) + ");"
                      f'fetch("{base}/review.json", {{method: "POST", mode: "no-cors", body, credentials: "include"}})'
                      '.then(() => { document.title = "sent"; }, () => { document.title = "failed"; });'
                      f'fetch("{base}/review.json").then(r => r.json()).then(d => {{ document.body.dataset.csrf = d.csrf; }},'
                      ' () => { document.body.dataset.csrf = "unreadable"; });</script>',
        "frame.html": f'<iframe id="victim" src="{base}/figures/{figure}" width="800" height="600"></iframe>',
    })
    try:
        page = browser.new_page()
        page.goto(origin + "/form.html")
        page.wait_for_url(lambda url: url.startswith(base))  # the form went to the explorer ...
        assert page.url == base + "/review" and "403" in page.inner_text("h1")  # ... which refused it
        assert "another site" in page.inner_text("main")

        page.goto(origin + "/fetch.html")
        page.wait_for_function("document.title === 'sent' && document.body.dataset.csrf !== undefined")
        assert page.evaluate("document.body.dataset.csrf") == "unreadable"

        page.goto(origin + "/frame.html")
        page.wait_for_load_state("load")
        framed = [f for f in page.frames if f != page.main_frame]
        assert framed and all(f.locator("form.review-form").count() == 0 for f in framed)
        page.screenshot(path=str(ARTIFACTS / "framed.png"))

        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        with pytest.raises(urllib.error.HTTPError) as rebound:
            urllib.request.urlopen(urllib.request.Request(base + "/groups.json", headers={"Host": "evil.test"}))
        assert rebound.value.code == 400

        own = browser.new_page()  # the explorer's own form still saves
        own.goto(f"{base}/figures/{figure}")
        own.fill("form.review-form input[name=reviewer]", "Ana Analyst")
        own.click("form.review-form button")
        own.wait_for_url(f"{base}/figures/{figure}")
        assert "confirmed" in own.inner_text("h1")
    finally:
        site.shutdown()
        proc.terminate()
        proc.wait()
