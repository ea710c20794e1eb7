"""The explorer's pages and their JSON twins, review rules and escaping, over a real ledger."""
import warnings

import pytest

from claimledger.pipeline import build

from .conftest import EXAMPLES, run_cli

warnings.filterwarnings("ignore", category=DeprecationWarning)
testclient = pytest.importorskip("fastapi.testclient")

HOSTILE = ('<h1>Drone strike</h1><p>Officials said <script>window.__xss = 1</script> that 30 soldiers were '
           'wounded. <img src=x onerror="window.__xss = 2"> The ministry said 40 soldiers were killed. '
           '<a href="javascript:window.__xss = 3">more</a></p>')


def client(db, **kw):
    from claimledger.serve import create_app

    return testclient.TestClient(create_app(str(db), **kw))


@pytest.fixture()
def ledger(tmp_path):
    db = tmp_path / "l.db"
    build([str(EXAMPLES)], str(db), quiet=True)
    return db


def test_every_page_has_a_json_twin(ledger):
    c = client(ledger)
    first = {name: c.get(f"/{name}.json").json() for name in ("groups", "figures", "documents", "entities", "quotes")}
    figure = first["figures"]["figures"][0]
    pages = ["/groups", "/figures", "/documents", "/entities", "/quotes", "/search?q=soldiers", "/review",
             f"/groups/{first['groups']['groups'][0]['id']}", f"/figures/{figure['id']}",
             f"/documents/{figure['document']}", f"/entities/{first['entities']['entities'][0]['id']}"]
    for path in pages:
        page, _, query = path.partition("?")
        html = c.get(path)
        twin = c.get(page + ".json" + ("?" + query if query else ""))
        assert html.status_code == 200 and "text/html" in html.headers["content-type"], path
        assert twin.status_code == 200 and twin.json()["ok"] is True, path
    assert c.get("/figures/nope.json").json() == {"ok": False, "error": "[CL404] no figure 'nope'", "status": 404}


def test_figure_page_highlights_its_passage(ledger):
    c = client(ledger)
    figure = next(f for f in c.get("/figures.json?category=killed").json()["figures"])
    data = c.get(f"/figures/{figure['id']}.json").json()
    assert data["passage"]["span"] == figure["surface"]
    assert f'<mark id="span">{figure["surface"]}</mark>' in c.get(f"/figures/{figure['id']}").text


def test_facets_filter_and_count(ledger):
    data = client(ledger).get("/figures.json?category=casualties").json()
    assert data["figures"] and all(f["category"] == "casualties" for f in data["figures"])
    assert {v["value"] for v in data["facets"]["category"]} == {"casualties"}


def test_search_ignores_query_syntax(ledger):
    c = client(ledger)
    assert c.get("/search.json?q=asylum").json()["total"] >= 1
    assert c.get('/search.json?q=" OR NEAR(( *').status_code == 200


def test_review_is_refused_unless_allowed_and_needs_the_token(ledger):
    figure = client(ledger).get("/figures.json").json()["figures"][0]
    form = {"kind": "quantity", "item": figure["id"], "action": "confirm", "reviewer": "ana"}
    assert client(ledger).post("/review.json", data=form).status_code == 403
    guarded = client(ledger, allow_review=True, token="s3cret")
    assert guarded.post("/review.json", data=form).status_code == 403
    assert guarded.post("/review.json", data={**form, "token": "s3cret"}).json()["ok"] is True
    page = guarded.get(f"/figures/{figure['id']}").text
    assert 'name="token"' in page and "s3cret" not in page
    bad = client(ledger, allow_review=True).post("/review.json", data={**form, "action": "correct", "field": "id"})
    assert bad.status_code == 400 and "names a field" in bad.json()["error"]


def test_non_loopback_review_without_token_is_refused(ledger):
    result = run_cli("serve", "--db", str(ledger), "--host", "0.0.0.0", "--allow-review")
    assert result.returncode == 2 and "needs --token" in result.stderr


def test_corrections_survive_a_rebuild_and_show_in_export(ledger, tmp_path):
    c = client(ledger, allow_review=True)
    figures = c.get("/figures.json?category=killed").json()["figures"]
    fixed, dropped = figures[0], c.get("/figures.json").json()["figures"][-1]
    c.post("/review.json", data={"kind": "quantity", "item": fixed["id"], "action": "correct", "field": "category",
                                 "value": "casualties", "reviewer": "ana", "reason": "killed or wounded"})
    c.post("/review.json", data={"kind": "quantity", "item": dropped["id"], "action": "reject", "reviewer": "ana"})
    (tmp_path / "extra.txt").write_text("Officials said on Friday that 12 more soldiers had been wounded near the border.")
    assert run_cli("build", str(EXAMPLES), str(tmp_path / "extra.txt"), "--db", str(ledger), "-q").returncode == 0
    after = client(ledger).get(f"/figures/{fixed['id']}.json").json()
    assert after["figure"]["category"] == "casualties" and after["figure"]["review"] == "corrected"
    assert after["reviews"][0]["reviewer"] == "ana"
    import json

    exported = json.loads(run_cli("export", "--db", str(ledger)).stdout)
    ids = {q["id"]: q for q in exported["quantities"]}
    assert ids[fixed["id"]]["category"] == "casualties" and dropped["id"] not in ids
    assert len(exported["reviews"]) == 2
    listing = run_cli("review", "--db", str(ledger)).stdout
    assert "reviewed (2)" in listing and "pending" in listing
    table = run_cli("report", "--db", str(ledger), "--format", "md").stdout
    assert "| corrected |" in table
    page = run_cli("report", "--db", str(ledger)).stdout
    assert "Review audit trail" in page and "killed or wounded" in page


def test_entity_merge_and_split_are_kept(ledger):
    c = client(ledger, allow_review=True)
    people = {e["name"]: e["id"] for e in c.get("/entities.json").json()["entities"]}
    ri, baek = people.get("Ri"), people.get("Choi Hyun-woo")
    assert ri and baek
    c.post("/review.json", data={"kind": "entity", "item": ri, "action": "merge", "value": baek, "reviewer": "ana"})
    assert c.get(f"/entities/{ri}.json").json()["entity"]["canonical_id"] == baek
    c.post("/review.json", data={"kind": "entity", "item": ri, "action": "split", "reviewer": "ana"})
    assert c.get(f"/entities/{ri}.json").json()["entity"]["canonical_id"] is None


def test_hostile_article_text_is_escaped(tmp_path):
    (tmp_path / "evil.html").write_text(f"<html><body><article>{HOSTILE}</article></body></html>")
    (tmp_path / "evil.txt").write_text(HOSTILE.replace("<h1>", "").replace("</h1>", "\n\n"))
    db = tmp_path / "l.db"
    build([str(tmp_path)], str(db), quiet=True)
    c = client(db)
    for doc in c.get("/documents.json").json()["documents"]:
        page = c.get(f"/documents/{doc['id']}").text
        assert "<script>window" not in page and 'onerror="' not in page and 'href="javascript:' not in page
