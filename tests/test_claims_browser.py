"""The claims page in real Chromium (Playwright, Debian's chromium), against `claimledger serve` on
a ledger of the bundled examples, our relay fixture and a hostile article."""
from pathlib import Path

import pytest

from .conftest import EXAMPLES, run_cli
from .test_claims_web import FIXTURE, HOSTILE
from .test_serve import serving
from .test_web_browser import ARTIFACTS, CHROMIUM

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)", allow_module_level=True)


def test_claims_page_facets_narrow_a_claim_opens_highlighted_and_hostile_text_stays_text(tmp_path):
    (tmp_path / "evil.txt").write_text(HOSTILE)
    db = tmp_path / "l.db"
    assert run_cli("build", str(EXAMPLES), str(FIXTURE), str(tmp_path / "evil.txt"), "--db", str(db), "-q").returncode == 0
    proc, base = serving(db)
    dialogs = []
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(base + "/claims")
            rows = page.locator("table.claims tbody tr")
            every = rows.count()
            assert every >= 20 and page.locator("table.claims td.kind", has_text="indirect").count() >= 1

            page.locator(".facet-outlet a", has_text="Frontline Daily").click()  # a bundled example's outlet
            page.wait_for_url("**/claims?outlet=Frontline*")
            assert 0 < rows.count() < every
            assert set(page.locator("table.claims a.document").all_inner_texts()) == {"Frontline Daily"}

            page.goto(base + "/claims")
            page.locator(".facet-source a", has_text="Iness Calder").click()
            page.wait_for_url("**/claims?source=Iness*")
            assert 0 < rows.count() < every
            assert set(page.locator("table.claims td.source").all_inner_texts()) == {"Iness Calder"}
            relayed = page.locator("table.claims tr", has=page.locator("td.content", has_text="ferry terminal"))
            assert "Coastline Post" in relayed.first.locator("td.carried").inner_text() or \
                "Harbour Gazette" in relayed.first.locator("td.carried").inner_text()
            page.screenshot(path=str(ARTIFACTS / "claims.png"), full_page=True)

            hostile = page.locator("table.claims tr", has=page.locator("td.content", has_text="old pier"))
            assert "<script>window.__xss = 2</script>" in hostile.locator("td.content").inner_text()
            assert page.evaluate("typeof window.__xss") == "undefined"
            assert page.locator("main script").count() == 0 and page.locator("main img").count() == 0

            row = relayed.first
            content = row.locator("td.content").inner_text()
            claim_id = row.get_attribute("id")
            row.locator("a.document").click()
            page.wait_for_url(f"**/documents/*#{claim_id}")
            span = page.locator(f"div.text a.span-claim[href='#{claim_id}']")
            assert span.count() >= 1 and span.first.is_visible()
            assert all(piece in content for piece in span.all_inner_texts())
            assert page.locator(f"tr#{claim_id} td.content").inner_text() == content
            page.screenshot(path=str(ARTIFACTS / "claim-document.png"), full_page=True)

            page.goto(base + "/claims?source=" + "Iness Calder".replace(" ", "%20"))
            hostile.locator("a.document").click()
            page.wait_for_url("**/documents/*")
            assert page.evaluate("typeof window.__xss") == "undefined" and page.locator("main script").count() == 0
            browser.close()
    finally:
        proc.terminate()
        proc.wait()
    assert dialogs == []
