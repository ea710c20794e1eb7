"""Claims across documents (one statement relayed by several outlets), in the explorer and the
report, over ledgers the real pipeline builds from our own example articles (tests/fixtures/relay.jsonl:
two outlets relay one statement by Iness Calder in other words; a third has Tomas Brandt saying
the same words, and Calder saying something else)."""
import sqlite3
import warnings
from pathlib import Path

import pytest

from claimledger.extract.claims import claim_buckets, claim_terms, terms_jaccard
from claimledger.pipeline import build
from claimledger.report import report
from claimledger.store import Ledger

from .conftest import EXAMPLES

warnings.filterwarnings("ignore", category=DeprecationWarning)
testclient = pytest.importorskip("fastapi.testclient")

FIXTURE = Path(__file__).parent / "fixtures" / "relay.jsonl"
HOSTILE = ("Pier closed at Dunmere\n\nThe mayor of Dunmere, Iness Calder, said that <img src=x onerror=\"window.__xss = 1\"> the old pier "
           "was <script>window.__xss = 2</script> unsafe and would stay closed all summer.\n")


def client(db):
    from claimledger.serve import create_app

    return testclient.TestClient(create_app(str(db)))


def split_fixture(tmp_path) -> list[Path]:
    lines = FIXTURE.read_text().splitlines()
    paths = []
    for i, line in enumerate(lines):
        path = tmp_path / f"article-{i}.jsonl"
        path.write_text(line + "\n")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def relay_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("relay") / "l.db"
    build([str(FIXTURE)], str(db), quiet=True)
    return db


def claims_of(db) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(
            "SELECT c.id, c.surface, c.claim_key, d.outlet, coalesce(e.name, c.source_text) AS source FROM claims c "
            "JOIN documents d ON d.id = c.document_id LEFT JOIN resolved_entities e ON e.id = c.source_entity_id")]


def one(claims, outlet, source, words):
    [found] = [c for c in claims if c["outlet"] == outlet and c["source"] == source and words in c["surface"]]
    return found


def test_near_identical_content_shares_buckets_and_a_different_statement_does_not(settings):
    a = claim_terms("that the ferry terminal would reopen to passengers in early June after repairs to the pier", settings)
    b = claim_terms("the ferry terminal will reopen for passengers in early June, once repairs to the pier are finished",
                    settings)
    other = claim_terms("the fish market would close for two weeks in July while its roof is replaced", settings)
    assert "kill" in claim_terms("soldiers were killed", settings) and "not" in claim_terms("it was not true", settings)
    assert terms_jaccard(a, b) >= settings["relay"]["min_jaccard"] > terms_jaccard(a, other)
    assert set(claim_buckets(a, settings)) & set(claim_buckets(b, settings))
    assert not set(claim_buckets(a, settings)) & set(claim_buckets(other, settings))
    assert claim_buckets(a, settings)[0] == claim_buckets(claim_terms("The ferry terminal would reopen to passengers "
                                                                       "in early June after repairs to the pier", settings),
                                                          settings)[0]  # the exact bucket


def test_two_outlets_relaying_one_statement_by_one_source_meet_and_nothing_else_does(relay_db):
    claims = claims_of(relay_db)
    gazette = one(claims, "Harbour Gazette", "Iness Calder", "ferry terminal")
    post = one(claims, "Coastline Post", "Iness Calder", "ferry terminal")
    brandt = one(claims, "Bayside Times", "Tomas Brandt", "ferry terminal")
    market = one(claims, "Bayside Times", "Iness Calder", "fish market")
    assert post["surface"] != gazette["surface"] and post["claim_key"] == gazette["claim_key"] == gazette["id"]
    assert market["claim_key"] != gazette["claim_key"]

    c = client(relay_db)
    page = c.get("/claims.json", params={"source": "Iness Calder"}).json()
    carried = {x["outlet"]: [o["outlet"] for o in x["carried_by"]] for x in page["claims"]}
    assert carried == {"Harbour Gazette": ["Coastline Post"], "Coastline Post": ["Harbour Gazette"], "Bayside Times": []}
    brandt_page = c.get("/claims.json", params={"source": "Tomas Brandt"}).json()["claims"]
    assert brandt["id"] in {x["id"] for x in brandt_page}
    assert all(x["carried_by"] == [] for x in brandt_page)  # the same words, another source: not the same claim


def test_claim_keys_are_filed_incrementally_as_one_build_files_them(relay_db, tmp_path):
    db = tmp_path / "l.db"
    first, *rest = split_fixture(tmp_path)
    build([str(first)], str(db), quiet=True)
    build([str(p) for p in rest], str(db), quiet=True)
    keys = {c["id"]: c["claim_key"] for c in claims_of(db)}
    assert keys == {c["id"]: c["claim_key"] for c in claims_of(relay_db)}
    with Ledger(db) as l:
        l.refile()
    assert {c["id"]: c["claim_key"] for c in claims_of(db)} == keys


def test_claims_page_facets_pages_and_json_twin(relay_db):
    c = client(relay_db)
    every = c.get("/claims.json").json()
    assert every["ok"] and every["total"] == len(every["claims"]) >= 5
    sources = {f["value"]: f["n"] for f in every["facets"]["source"]}
    outlets = {f["value"]: f["n"] for f in every["facets"]["outlet"]}
    assert sources["Iness Calder"] == 3 and outlets["Coastline Post"] == 1
    narrowed = c.get("/claims.json", params={"source": "Iness Calder", "outlet": "Bayside Times"}).json()
    assert narrowed["total"] == 1 and "fish market" in narrowed["claims"][0]["surface"]
    html = c.get("/claims", params={"source": "Iness Calder"})
    assert html.status_code == 200 and html.text.count('<tr id="claim-') == 3 and "also carried by" in html.text
    assert "Coastline Post</a>" in html.text
    assert c.get("/claims.json", params={"page": "0"}).json()["ok"] is False
    assert c.get("/claims", params={"page": "x"}).status_code == 400


def test_document_page_highlights_claims_and_entity_page_lists_them(relay_db):
    c = client(relay_db)
    claim = c.get("/claims.json", params={"source": "Iness Calder", "outlet": "Coastline Post"}).json()["claims"][0]
    doc = c.get(f"/documents/{claim['document']}.json").json()
    highlighted = "".join(s["text"] for s in doc["segments"] if s["href"] == f"#claim-{claim['id']}")
    assert highlighted and highlighted in claim["surface"] and claim["id"] in {x["id"] for x in doc["claims"]}
    page = c.get(f"/documents/{claim['document']}").text
    assert f'class="span-claim" href="#claim-{claim["id"]}"' in page and f'<tr id="claim-{claim["id"]}"' in page
    entity = c.get(f"/entities/{claim['source_id']}.json").json()
    assert {x["outlet"] for x in entity["claims"]} == {"Harbour Gazette", "Coastline Post", "Bayside Times"}
    assert "fish market" in c.get(f"/entities/{claim['source_id']}").text


def test_search_finds_claims(relay_db):
    found = client(relay_db).get("/search.json", params={"q": "pontoons"}).json()["claims"]
    assert [("Tomas Brandt" in x["source"], "\x02pontoons\x03" in x["snippet"]) for x in found] == [(True, True)]


def test_claims_by_source_in_the_report(relay_db):
    with Ledger(relay_db, readonly=True) as l:
        import io

        html, md = io.StringIO(), io.StringIO()
        report(l, "html", html)
        report(l, "md", md)
    html, md = html.getvalue(), md.getvalue()
    section = html[html.index('<h2 id="claims">'):html.index('<h2 id="entities">')]
    assert '<details class="claims">' in section and "2 sources, 4 claims" in section
    calder = section[section.index("Iness Calder"):section.index("Tomas Brandt")]
    assert "also carried by: Coastline Post" in calder and "fish market" in calder
    assert "also carried by" not in section[section.index("Tomas Brandt"):]
    claims_md = md[md.index("# Claims by source"):]
    assert "**Iness Calder** (2 claims)" in claims_md
    ferry = next(line for line in claims_md.splitlines() if "ferry terminal" in line and "Harbour Gazette" in line)
    assert ferry.rstrip(" |").endswith("| Coastline Post")


def test_untrusted_claim_text_is_escaped_in_the_explorer_and_the_report(tmp_path):
    (tmp_path / "evil.txt").write_text(HOSTILE)
    db = tmp_path / "l.db"
    build([str(tmp_path / "evil.txt")], str(db), quiet=True)
    c = client(db)
    claim = next(x for x in c.get("/claims.json").json()["claims"] if "<script>" in x["surface"])
    assert claim["source_id"]
    for path in ("/claims", f"/documents/{claim['document']}", f"/entities/{claim['source_id']}", "/search?q=pier"):
        page = c.get(path).text
        assert "<script>window" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;window.__xss = 2&lt;/script&gt;" in page or path.startswith("/search") and "&lt;" in page
    with Ledger(db, readonly=True) as l:
        import io

        html, md = io.StringIO(), io.StringIO()
        report(l, "html", html)
        report(l, "md", md)
    assert "<script>window" not in html.getvalue() and "&lt;script&gt;window" in html.getvalue()
    assert "<script>" not in md.getvalue() and "<img" not in md.getvalue()


def test_the_bundled_examples_have_claims_on_the_page(tmp_path):
    db = tmp_path / "l.db"
    build([str(EXAMPLES)], str(db), quiet=True)
    page = client(db).get("/claims.json").json()
    assert page["total"] >= 20 and {"direct", "indirect"} <= {x["kind"] for x in page["claims"]}


@pytest.fixture
def postgres_url():
    """A fresh database on the server of CLAIMLEDGER_TEST_POSTGRES (as in tests/test_store_postgres.py)."""
    import os
    import uuid

    server = os.environ.get("CLAIMLEDGER_TEST_POSTGRES")
    if not server:
        pytest.skip("CLAIMLEDGER_TEST_POSTGRES is not set: .ci/run starts a PostgreSQL server and sets it")
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install 'psycopg[binary]'")
    name = f"claimledger_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield server.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_claims_read_the_same_on_postgresql_and_search_finds_them(tmp_path, postgres_url):
    sqlite_db = tmp_path / "l.db"
    build([str(FIXTURE)], str(sqlite_db), quiet=True)
    build([str(FIXTURE)], postgres_url, quiet=True)
    on_sqlite, on_postgres = client(sqlite_db), client(postgres_url)
    claims = on_sqlite.get("/claims.json").json()["claims"]
    pages = ["/claims.json", "/claims.json?source=Iness%20Calder", *{f"/documents/{c['document']}.json" for c in claims},
             *{f"/entities/{c['source_id']}.json" for c in claims}]
    for page in pages:
        assert on_postgres.get(page).json() == on_sqlite.get(page).json(), page
    found = on_postgres.get("/search.json", params={"q": "pontoons"}).json()["claims"]
    assert len(found) == 1 and "\x02pontoons\x03" in found[0]["snippet"]


def test_the_export_carries_each_claims_key(relay_db):
    import json

    from .conftest import exported

    claims = json.loads(exported(relay_db))["claims"]
    keys = {(c["source"], c["surface"][:30]): c["claim_key"] for c in claims}
    ferry = {k: v for k, v in keys.items() if "ferry terminal" in k[1]}
    assert len(ferry) == 3 and len(set(ferry.values())) == 1  # one key; the sources tell the statements apart
    assert len({c["source"] for c in claims if c["claim_key"] == next(iter(ferry.values()))}) == 2


def test_a_ledger_whose_claims_came_before_claim_keys_gets_them_on_opening(relay_db, tmp_path):
    import shutil

    db = tmp_path / "old.db"
    shutil.copy(relay_db, db)
    with sqlite3.connect(db) as conn:
        conn.executescript("DROP INDEX claims_key; DROP TABLE claim_buckets; ALTER TABLE claims DROP COLUMN claim_key;")
    with pytest.raises(sqlite3.OperationalError):
        sqlite3.connect(db).execute("SELECT claim_key FROM claims")
    Ledger(db).close()
    assert {c["id"]: c["claim_key"] for c in claims_of(db)} == {c["id"]: c["claim_key"] for c in claims_of(relay_db)}
