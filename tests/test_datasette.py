"""The ledger opens as-is in Datasette (a test-only dependency)."""
import json
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from .test_serve import free_port


def test_datasette_serves_the_ledger(example_ledger):
    if shutil.which("datasette") is None and not (sys.prefix and shutil.which("datasette", path=f"{sys.prefix}/bin")):
        pytest.skip("datasette is not installed (pip install -e '.[test]')")
    exe = shutil.which("datasette") or shutil.which("datasette", path=f"{sys.prefix}/bin")
    port = free_port()
    proc = subprocess.Popen([exe, "serve", str(example_ledger), "--port", str(port), "--immutable",
                             str(example_ledger)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/{example_ledger.stem}/quantities.json?_shape=array"
        deadline = time.monotonic() + 60
        while True:
            try:
                rows = json.load(urllib.request.urlopen(url, timeout=2))
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        assert rows and {"surface", "low", "category", "document_id"} <= rows[0].keys()
        base = f"http://127.0.0.1:{port}/{example_ledger.stem}"

        def search(table: str, words: str) -> list[dict]:
            return json.load(urllib.request.urlopen(f"{base}/{table}.json?_search={words}&_shape=array", timeout=5))

        everything = json.load(urllib.request.urlopen(f"{base}/documents.json?_shape=array&_size=max", timeout=5))
        asylum = search("documents", "asylum")
        assert asylum and all("asylum" in d["text"].lower() for d in asylum)
        assert len(asylum) < len(everything)  # the full-text index was used, not ignored
        assert search("documents", "zzqxnothing") == [] and search("quotes", "zzqxnothing") == []
        soldiers = search("quotes", "soldiers")
        assert soldiers and all("soldier" in (q["surface"] + (q["speaker_text"] or "")).lower() for q in soldiers)
    finally:
        proc.terminate()
        proc.wait()


def test_an_older_ledgers_full_text_tables_are_made_detectable_when_it_is_next_written(tmp_path):
    import sqlite3

    from claimledger.pipeline import build
    from claimledger.store import Ledger

    from .conftest import EXAMPLES

    utils = pytest.importorskip("datasette.utils", reason="datasette is not installed (pip install -e '.[test]')")
    db = tmp_path / "old.db"
    build([str(EXAMPLES)], str(db), quiet=True)
    with sqlite3.connect(db) as conn:  # as ledgers were made before: content='documents', which Datasette misses
        for name, columns, table in (("documents_fts", "title, text", "documents"),
                                     ("quotes_fts", "surface, speaker_text", "quotes")):
            conn.execute(f"DROP TABLE {name}")
            conn.execute(f"CREATE VIRTUAL TABLE {name} USING fts5({columns}, content='{table}')")
            conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
        assert utils.detect_fts(conn, "documents") is None
    Ledger(db).close()
    with sqlite3.connect(db) as conn:
        assert utils.detect_fts(conn, "documents") == "documents_fts"
        assert utils.detect_fts(conn, "quotes") == "quotes_fts"
    with Ledger(db, readonly=True) as ledger:
        assert ledger.search("documents", ["asylum"], 10)[0] >= 1
        assert ledger.search("quotes", ["soldiers"], 10)[0] >= 1
