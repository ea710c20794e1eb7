"""The explorer's pages and their JSON twins, review rules and escaping, over a real ledger."""
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pytest

from claimledger.pipeline import build

from .conftest import EXAMPLES, ROOT, run_cli

warnings.filterwarnings("ignore", category=DeprecationWarning)
testclient = pytest.importorskip("fastapi.testclient")

HOSTILE = ('<h1>Drone strike</h1><p>Officials said <script>window.__xss = 1</script> that 30 soldiers were '
           'wounded. <img src=x onerror="window.__xss = 2"> The ministry said 40 soldiers were killed. '
           '<a href="javascript:window.__xss = 3">more</a></p>')


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


def client(db, base_url="http://testserver", **kw):
    from claimledger.serve import create_app

    return testclient.TestClient(create_app(str(db), **kw), base_url=base_url)


def review(c, **form):
    """POST /review.json as the explorer's own form does: with this server's form token."""
    return c.post("/review.json", data={"csrf": c.get("/review.json").json()["csrf"], **form})


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
    bad = review(client(ledger, allow_review=True), **{**form, "action": "correct", "field": "id"})
    assert bad.status_code == 400 and "names a field" in bad.json()["error"]


def test_non_loopback_review_without_token_is_refused(ledger):
    result = run_cli("serve", "--db", str(ledger), "--host", "0.0.0.0", "--allow-review")
    assert result.returncode == 2 and "needs --token" in result.stderr


def test_corrections_survive_a_rebuild_and_show_in_export(ledger, tmp_path):
    c = client(ledger, allow_review=True)
    figures = c.get("/figures.json?category=killed").json()["figures"]
    fixed, dropped = figures[0], c.get("/figures.json").json()["figures"][-1]
    assert review(c, kind="quantity", item=fixed["id"], action="correct", field="category", value="casualties",
                  reviewer="ana", reason="killed or wounded").json()["ok"]
    assert review(c, kind="quantity", item=dropped["id"], action="reject", reviewer="ana").json()["ok"]
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
    assert review(c, kind="entity", item=ri, action="merge", value=baek, reviewer="ana").json()["ok"]
    assert c.get(f"/entities/{ri}.json").json()["entity"]["canonical_id"] == baek
    assert review(c, kind="entity", item=ri, action="split", reviewer="ana").json()["ok"]
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


def test_review_needs_this_servers_form_token_and_refuses_other_origins(ledger):
    c = client(ledger, allow_review=True)
    figure = c.get("/figures.json").json()["figures"][0]
    form = {"kind": "quantity", "item": figure["id"], "action": "confirm", "reviewer": "ana"}
    csrf = c.get("/review.json").json()["csrf"]
    assert f'name="csrf" value="{csrf}"' in c.get(f"/figures/{figure['id']}").text
    assert c.post("/review.json", data=form).status_code == 403
    assert c.post("/review.json", data={**form, "csrf": "guessed"}).status_code == 403
    foreign = c.post("/review", data={**form, "csrf": csrf}, headers={"Origin": "http://127.0.0.1:9"})
    assert foreign.status_code == 403 and "another site" in foreign.text
    assert c.post("/review.json", data={**form, "csrf": csrf}, headers={"Sec-Fetch-Site": "same-site"}).status_code == 403
    assert c.get("/review.json").json()["reviewed"] == []
    own = c.post("/review.json", data={**form, "csrf": csrf},
                 headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"})
    assert own.json()["ok"] is True and len(c.get("/review.json").json()["reviewed"]) == 1
    assert "csrf" not in client(ledger).get("/review.json").json()


def test_every_response_forbids_framing_and_sniffing(ledger):
    c = client(ledger)
    for path in ("/groups", "/figures.json", "/no-such-page", "/search?q=soldiers"):
        headers = c.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "default-src 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY", path


def test_a_foreign_host_header_is_refused(ledger):
    from claimledger.serve import host_names

    c = client(ledger, base_url="http://127.0.0.1:8000", hosts=host_names("127.0.0.1", 8000))
    assert c.get("/groups.json").status_code == 200
    assert c.get("/groups.json", headers={"Host": "localhost:8000"}).status_code == 200
    rebound = c.get("/groups.json", headers={"Host": "attacker.example:8000"})
    assert rebound.status_code == 400 and "attacker" not in rebound.text
    assert c.get("/groups.json", headers={"Host": "127.0.0.1:8001"}).status_code == 400
    assert host_names("0.0.0.0", 8000) is None and host_names("::1", 80) >= {"[::1]", "localhost:80"}


@pytest.mark.parametrize("page", ["9223372036854775807", "100001", "0", "-1", "abc", "1e3", "1.5", "٣", "9" * 5000])
def test_page_numbers_are_bounded(ledger, page):
    c = client(ledger)
    for path in ("/figures", "/documents", "/entities", "/quotes", "/search"):
        answer = c.get(f"{path}.json", params={"page": page, "q": "soldiers"})
        assert answer.status_code == 400 and answer.json()["ok"] is False, (path, page)
        assert "page must be a whole number from 1 to 100000" in answer.json()["error"]
        assert c.get(path, params={"page": page, "q": "soldiers"}).status_code == 400
    assert c.get("/figures.json?page=100000").json()["figures"] == []


def test_search_for_a_name_finds_the_documents_that_spell_it_another_way(ledger):
    c = client(ledger)
    data = c.get("/search.json?q=Zelensky").json()
    assert "Zelenskyy" in data["also_spelled"]
    found = {d["id"] for d in data["documents"]}
    texts = {d["id"]: c.get(f"/documents/{d['id']}.json").json() for d in data["documents"]}
    other_only = [i for i, t in texts.items()
                  if "Zelensky " not in "".join(s["text"] for s in t["segments"]).replace("Zelensky,", "Zelensky ")
                  and "Zelenskyy" in "".join(s["text"] for s in t["segments"])]
    assert other_only and set(other_only) <= found
    assert "Also spelled: " in c.get("/search?q=Zelensky").text
    assert c.get("/search.json?q=NIS").json()["also_spelled"] == ["National Intelligence Service"]
    assert c.get("/search.json?q=zzqx").json()["total"] == 0


def naive_segments(text, spans):
    """The definition: every piece between two cuts belongs to its best-ranked covering span."""
    rank = {"figure": 0, "quote": 1, "mention": 2}
    cuts = sorted({0, len(text)} | {s["start"] for s in spans} | {s["end"] for s in spans})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [s for s in spans if s["start"] <= a and b <= s["end"]]
        top = min(covering, key=lambda s: rank[s["kind"]]) if covering else None
        out.append({"text": text[a:b], "kind": top and top["kind"], "href": top and top["href"]})
    return out


def test_segments_match_their_definition_on_overlapping_spans():
    import random

    from claimledger.serve import segments

    rng = random.Random(7)
    for _ in range(200):
        text = "".join(rng.choice("ab ") for _ in range(rng.randint(0, 60)))
        spans = []
        for i in range(rng.randint(0, 25)):
            a = rng.randint(0, len(text))
            spans.append({"kind": rng.choice(["figure", "quote", "mention"]), "start": a,
                          "end": rng.randint(a, len(text)), "href": f"/x/{i}"})
        assert segments(text, spans) == naive_segments(text, spans)


def test_serve_fails_in_one_line_before_announcing_anything(ledger, tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = run_cli("serve", "--db", str(ledger), "--port", port)
    assert busy.returncode == 2 and "port is in use" in busy.stderr and "choose another with --port" in busy.stderr
    missing = run_cli("serve", "--db", str(tmp_path / "missing.db"), "--port", port)
    assert missing.returncode == 4 and "no ledger at" in missing.stderr
    wrong = run_cli("serve", "--db", str(ledger), "--port", "99999")
    assert wrong.returncode == 2 and "not a port number" in wrong.stderr
    nowhere = run_cli("serve", "--db", str(ledger), "--host", "no-such-host.invalid", "--port", port)
    assert nowhere.returncode == 2 and "no such address" in nowhere.stderr
    for result in (busy, missing, wrong, nowhere):
        assert "serving" not in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 3  # argparse prints its usage lines first


def test_a_page_that_waits_does_not_hold_up_the_others(ledger):
    """A request that waits on a locked ledger runs in a worker thread: the next one is answered."""
    import sqlite3
    import threading
    import urllib.error

    with sqlite3.connect(ledger) as conn:  # readers wait on a writer only without the write-ahead log
        conn.execute("PRAGMA journal_mode = DELETE")
    document = client(ledger).get("/documents.json").json()["documents"][0]["id"]
    proc, base = serving(ledger)
    lock = sqlite3.connect(ledger, isolation_level=None)
    results = {}
    try:
        lock.execute("BEGIN EXCLUSIVE")
        slow = threading.Thread(target=lambda: results.update(
            slow=urllib.request.urlopen(f"{base}/documents/{document}.json", timeout=120).status))
        slow.start()
        time.sleep(1)  # not a threshold: only so that the slow request is in before the next one
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/no-such-page", timeout=20)
        assert missing.value.code == 404 and slow.is_alive()
        lock.execute("COMMIT")
        slow.join(120)
        assert results["slow"] == 200
    finally:
        lock.close()
        proc.terminate()
        proc.wait()
