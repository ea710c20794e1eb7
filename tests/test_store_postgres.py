"""The ledger on a real PostgreSQL server: the same export as SQLite, several builds and readers at
once with no row lost or doubled, and full-text search through the explorer.

The server comes from CLAIMLEDGER_TEST_POSTGRES, a URL of a database on it from which the tests may
create and drop databases; `.ci/run` starts a private cluster on 127.0.0.1 and sets it.
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from claimledger.pipeline import build
from claimledger.store import Ledger

from .conftest import EXAMPLES, ROOT, exported, rendered

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install 'psycopg[binary]'")
SERVER = os.environ.get("CLAIMLEDGER_TEST_POSTGRES")
COUNTED = ("documents", "entities", "aliases", "mentions", "quantities", "quotes", "citations", "near_copies",
           "story_keys", "minhash_bands")


@pytest.fixture
def postgres_url():
    """A fresh, empty database on the test server; dropped afterwards."""
    if not SERVER:
        pytest.skip("CLAIMLEDGER_TEST_POSTGRES is not set: .ci/run starts a PostgreSQL server and sets it")
    name = f"claimledger_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield SERVER.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def corpus(folder, copies: int = 2):
    """The example articles, and variants of them: updates that are near-copies of the original."""
    folder.mkdir()
    for path in sorted(EXAMPLES.iterdir()):
        (folder / path.name).write_bytes(path.read_bytes())
    for i, path in enumerate(sorted(EXAMPLES.glob("*.txt")) * copies):
        (folder / f"update-{i}.txt").write_text(path.read_text() + f"\n\nUpdate {i}: officials said {i + 3} "
                                                "more soldiers had been wounded overnight.")
    return folder


def test_postgres_ledger_exports_what_sqlite_exports(tmp_path, postgres_url):
    inputs = [str(corpus(tmp_path / "corpus"))]
    sqlite_db = tmp_path / "l.db"
    build(inputs, str(sqlite_db), quiet=True)
    report = build(inputs, postgres_url, quiet=True)
    assert report.stored == 9 and not report.skipped
    for fmt in ("json", "jsonl", "csv"):
        assert exported(postgres_url, fmt) == exported(sqlite_db, fmt), fmt
    assert rendered(postgres_url, "md") == rendered(sqlite_db, "md")
    again = build(inputs, postgres_url, quiet=True)
    assert (again.stored, again.unchanged) == (0, 9)
    with Ledger(postgres_url, readonly=True) as ledger:
        assert ledger.count("pending") == 0


def test_several_builds_and_readers_at_once_lose_and_double_nothing(tmp_path, postgres_url):
    folder = corpus(tmp_path / "corpus", copies=3)
    files = sorted(str(p) for p in folder.iterdir())
    overlapping = [files[0::2], files[1::2], files[::3], files]
    cli = [sys.executable, "-m", "claimledger"]
    builds = [subprocess.Popen([*cli, "build", *part, "--db", postgres_url, "-q", "--jobs", "1"], cwd=ROOT,
                               stderr=subprocess.PIPE, text=True) for part in overlapping]
    readers = []
    while any(b.poll() is None for b in builds):
        readers.append(subprocess.run([*cli, "export", "--db", postgres_url, "-f", "jsonl"], cwd=ROOT,
                                      capture_output=True, text=True, timeout=300))
    for b in builds:
        assert b.wait() == 0, b.stderr.read()
    # a reader may come before the first build has made the schema; otherwise it must read
    assert all(r.returncode == 0 or "is empty, not a ledger" in r.stderr for r in readers), \
        [r.stderr for r in readers]
    assert run_export(postgres_url).returncode == 0

    sqlite_db = tmp_path / "one.db"
    build(files, str(sqlite_db), quiet=True)
    with Ledger(postgres_url, readonly=True) as shared, Ledger(sqlite_db, readonly=True) as alone:
        for table in COUNTED:
            assert shared.count(table) == alone.count(table), table
        assert shared.count("pending") == 0
        ids = [r[0] for r in shared.rows("SELECT id FROM quantities")]
        assert len(ids) == len(set(ids))
    # Stories are filed in the order documents are stored, and concurrent builds interleave; a
    # regroup files everything in one canonical order, and then the two ledgers agree.
    for db in (postgres_url, str(sqlite_db)):
        assert subprocess.run([*cli, "regroup", "--db", db], cwd=ROOT, capture_output=True).returncode == 0
    with Ledger(postgres_url, readonly=True) as shared, Ledger(sqlite_db, readonly=True) as alone:
        groups = {r[0]: r[1] for r in shared.rows("SELECT label, count(*) FROM groups GROUP BY label")}
        assert groups == {r[0]: r[1] for r in alone.rows("SELECT label, count(*) FROM groups GROUP BY label")}


def run_export(url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claimledger", "export", "--db", url, "-f", "json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_explorer_searches_a_postgres_ledger(tmp_path, postgres_url):
    testclient = pytest.importorskip("fastapi.testclient")
    from claimledger.serve import create_app

    build([str(EXAMPLES)], postgres_url, quiet=True)
    client = testclient.TestClient(create_app(postgres_url))
    found = client.get("/search.json", params={"q": "troops Kursk"}).json()
    assert found["total"] >= 2 and any("\x02" in d["snippet"] for d in found["documents"])
    hostile = client.get("/search.json", params={"q": "troops') OR 1=1; DROP TABLE documents; --"})
    assert hostile.status_code == 200
    page = client.get("/search", params={"q": "<script>alert(1)</script> troops"})
    assert page.status_code == 200 and "<script>alert(1)" not in page.text
    assert client.get("/groups.json").json()["groups"]
    with Ledger(postgres_url, readonly=True) as ledger:
        assert ledger.count("documents") == 5


def test_explorer_pages_read_the_same_from_either_backend(tmp_path, postgres_url):
    testclient = pytest.importorskip("fastapi.testclient")
    from claimledger.serve import create_app

    sqlite_db = tmp_path / "l.db"
    build([str(EXAMPLES)], str(sqlite_db), quiet=True)
    build([str(EXAMPLES)], postgres_url, quiet=True)
    on_sqlite, on_postgres = (testclient.TestClient(create_app(db)) for db in (str(sqlite_db), postgres_url))
    first = on_sqlite.get("/figures.json").json()["figures"][0]
    group = on_sqlite.get("/groups.json").json()["groups"][0]
    entity = on_sqlite.get("/entities.json").json()["entities"][0]
    pages = ["/groups.json", "/figures.json", "/figures.json?category=killed", "/documents.json", "/entities.json",
             "/quotes.json", "/review.json", f"/groups/{group['id']}.json", f"/figures/{first['id']}.json",
             f"/documents/{first['document']}.json", f"/entities/{entity['id']}.json"]
    for page in pages:
        assert on_postgres.get(page).json() == on_sqlite.get(page).json(), page


def test_a_bad_postgres_url_is_one_clear_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "claimledger", "export", "--db",
                             "postgresql://nobody:secret@127.0.0.1:9/none", "-f", "json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot connect" in lines[0] and "secret" not in lines[0]
