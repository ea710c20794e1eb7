import json
import sqlite3

import pytest

from claimledger.errors import LedgerError
from claimledger.pipeline import build
from claimledger.store import Ledger

from .conftest import EXAMPLES

CONTENT_TABLES = ("documents", "entities", "aliases", "mentions", "quantities", "quotes", "citations",
                  "groups", "group_members", "skipped")


def snapshot(db):
    conn = sqlite3.connect(db)
    try:
        return {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}"))) for t in CONTENT_TABLES
                if t != "skipped"} | {"skipped": sorted(conn.execute("SELECT id, source, reason FROM skipped"))}
    finally:
        conn.close()


def test_ledger_has_every_table_with_foreign_keys_and_fts(example_ledger):
    conn = sqlite3.connect(example_ledger)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(CONTENT_TABLES) | {"runs", "documents_fts", "quotes_fts"} <= tables
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    fks = conn.execute("PRAGMA foreign_key_list(quantities)").fetchall()
    assert {fk[2] for fk in fks} == {"documents", "entities"}
    hits = conn.execute("SELECT d.source FROM documents_fts f JOIN documents d ON d.rowid = f.rowid "
                        "WHERE documents_fts MATCH 'asylum'").fetchall()
    assert any("frontline-daily" in h[0] for h in hits)
    quote_hits = conn.execute("SELECT q.speaker_text FROM quotes_fts f JOIN quotes q ON q.rowid = f.rowid "
                              "WHERE quotes_fts MATCH 'training'").fetchall()
    assert quote_hits


def test_rebuilding_the_same_inputs_changes_nothing(tmp_path):
    db = str(tmp_path / "l.db")
    first = build([str(EXAMPLES)], db, quiet=True)
    before = snapshot(db)
    again = build([str(EXAMPLES)], db, quiet=True)
    assert first.stored == 5 and again.stored == 0 and again.unchanged == 5
    assert snapshot(db) == before


def test_adding_files_processes_only_the_new_ones(tmp_path):
    db = str(tmp_path / "l.db")
    build([str(EXAMPLES / "kursk-wire.txt")], db, quiet=True)
    report = build([str(EXAMPLES)], db, quiet=True)
    assert report.stored == 4 and report.unchanged == 1


def test_same_text_under_another_name_is_a_duplicate(tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_text((EXAMPLES / "kursk-wire.txt").read_text() + "\n\n")
    db = str(tmp_path / "l.db")
    report = build([str(EXAMPLES / "kursk-wire.txt"), str(copy)], db, quiet=True)
    assert report.stored == 1 and "same article text" in report.skipped[0].reason


def test_items_point_into_their_document_text(example_ledger):
    conn = sqlite3.connect(example_ledger)
    for table in ("mentions", "quantities", "quotes"):
        rows = conn.execute(f'SELECT d.text, t."start", t."end", t.surface FROM {table} t '
                            "JOIN documents d ON d.id = t.document_id").fetchall()
        assert rows, table
        for text, start, end, surface in rows:
            assert text[start:end] == surface


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match="not a claimledger ledger"):
        Ledger(other)
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite at all, just some bytes" * 100)
    with pytest.raises(LedgerError):
        Ledger(tmp_path / "junk.db")
    with pytest.raises(LedgerError, match="no ledger"):
        Ledger(tmp_path / "missing.db", readonly=True)


def schema_1(conn: sqlite3.Connection) -> None:
    """The tables of schema 1: today's, without what schema 2 added."""
    from claimledger import store

    ddl = store.SCHEMA.replace(store.V2, "")
    for _, column in store.V2_COLUMNS:
        ddl = ddl.replace(f", {column}", "").replace(f",\n    {column}", "")
    conn.executescript(ddl + "INSERT INTO meta VALUES ('schema_version', '1');")


def test_a_schema_1_ledger_is_upgraded_in_place(tmp_path):
    """A ledger from before the incremental steps gets their columns and tables on the next build,
    every document filed anew, and then holds what a new ledger holds."""
    from .conftest import exported

    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    build([str(EXAMPLES)], str(fresh), quiet=True)
    conn = sqlite3.connect(old)
    schema_1(conn)
    assert "story" not in {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    conn.execute("ATTACH DATABASE ? AS fresh", (str(fresh),))
    for table in ("runs", "documents", "entities", "aliases", "mentions", "quantities", "quotes", "citations"):
        columns = ", ".join(f'"{r[1]}"' for r in conn.execute(f"PRAGMA main.table_info({table})"))
        conn.execute(f"INSERT INTO main.{table} SELECT {columns} FROM fresh.{table}")
    conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('rebuild')")
    conn.commit()
    conn.close()
    report = build([str(EXAMPLES)], str(old), quiet=True)
    assert report.unchanged == 5
    upgraded, new = json.loads(exported(old)), json.loads(exported(fresh))
    # claims are read at parse time: documents stored before schema 3 have none until rebuilt
    assert upgraded.pop("claims") == [] and new.pop("claims")
    assert upgraded == new
    with Ledger(old, readonly=True) as ledger:
        assert ledger.count("pending") == 0 and ledger.count("groups") > 0


def test_a_document_that_fails_inside_a_batch_leaves_no_trace_and_the_others_stay(tmp_path):
    from claimledger.ingest import read_file
    from claimledger.pipeline import process_article

    first, second = (process_article(next(iter(read_file(p)))) for p in sorted(EXAMPLES.glob("*.txt"))[:2])
    db = tmp_path / "l.db"
    with Ledger(db) as ledger:
        run = ledger.start_run(["test"])
        with ledger.transaction():  # how a build writes a batch of documents
            ledger.add_document(first, "first", run)
            with pytest.raises(RuntimeError):
                with ledger.transaction():
                    ledger.conn.execute("INSERT INTO skipped VALUES ('x', 'half-written', 'r', 'CL000', ?)", (run,))
                    raise RuntimeError("the document failed midway")
            ledger.add_document(second, "second", run)
    conn = sqlite3.connect(db)
    assert sorted(r[0] for r in conn.execute("SELECT input_key FROM documents")) == ["first", "second"]
    assert conn.execute("SELECT count(*) FROM skipped").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM quantities").fetchone()[0] == \
        len(first.quantities) + len(second.quantities)
    conn.close()


def test_reading_resolved_entities_through_a_left_join_does_not_build_the_whole_view(example_ledger, tmp_path):
    import shutil

    db = tmp_path / "l.db"
    shutil.copy(example_ledger, db)
    conn = sqlite3.connect(db)
    query = ("SELECT q.id, e.canonical_id, e.name FROM quantities q "
             "LEFT JOIN resolved_entities e ON e.id = q.source_entity_id WHERE q.document_id = 'x'")
    plan = " ".join(r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + query))
    assert "MATERIALIZE" not in plan and "SCAN" not in plan, plan
    rows = sorted(conn.execute("SELECT * FROM resolved_entities"))
    # a ledger written before keeps its rows when its view (a join) is defined again on opening
    conn.executescript("DROP VIEW resolved_entities; CREATE VIEW resolved_entities AS SELECT x.id, c.id AS "
                       "canonical_id, c.name, c.type FROM entities x JOIN entities c ON c.id = "
                       "coalesce(x.canonical_id, x.id);")
    conn.close()
    Ledger(db).close()
    conn = sqlite3.connect(db)
    assert "CASE WHEN" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'resolved_entities'").fetchone()[0]
    assert sorted(conn.execute("SELECT * FROM resolved_entities")) == rows
    assert conn.execute("SELECT count(*) FROM resolved_entities WHERE canonical_id != id").fetchone()[0] > 0
    conn.close()


def test_a_common_run_of_words_fills_a_bucket_only_up_to_its_cap_and_relays_are_still_found(tmp_path):
    import dataclasses

    from claimledger.settings import load_settings

    settings = load_settings()
    raw = {**settings.raw, "relay": {**settings["relay"], "max_bucket_claims": 3}}
    with Ledger(tmp_path / "l.db") as ledger:
        ledger._settings = dataclasses.replace(settings, raw=raw)

        def file(claim_id: str, content: str) -> str:
            ledger.conn.execute("INSERT INTO claims (id, document_id, start, end, surface, kind) "
                                "VALUES (?, 'd', 0, 1, ?, 'indirect')", (claim_id, content))
            ledger._file_claim(claim_id, content)
            return ledger.conn.execute("SELECT claim_key FROM claims WHERE id = ?", (claim_id,)).fetchone()[0]

        with ledger.transaction():
            ledger.conn.execute("INSERT INTO documents (id, source, raw_sha256, input_key, text, words, "
                                "removed_lines) VALUES ('d', 'd', '', 'd', 'x', 0, 0)")
            first = "the river authority expects flood barriers along the Marel to hold through winter"
            assert file("c0", first) == "c0"
            for i in range(30):  # one common run of words, each claim about another town
                content = f"the river authority expects flood barriers in town{i} village{i} hamlet{i} to hold"
                assert file(f"c{i + 1}", content) == f"c{i + 1}"
            assert file("relay", first.replace("expects", "expected")) == "c0"  # a relay still finds it
            assert file("same words", first.replace("the river", "river")) == "c0"  # found in the exact bucket
            assert file("only stopwords", "it was so") == "only stopwords"
            assert file("more stopwords", "it was so") == "more stopwords"  # no words: nothing to repeat
            largest = ledger.conn.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM claim_buckets "
                                          "GROUP BY bucket)").fetchone()[0]
            assert largest == 3


def test_each_storys_centroid_length_is_kept_with_it_and_added_to_an_older_ledger(tmp_path):
    db = tmp_path / "l.db"
    build([str(p) for p in sorted(EXAMPLES.iterdir())], str(db), quiet=True)

    def lengths():
        conn = sqlite3.connect(db)
        try:
            summed = dict(conn.execute("SELECT story, sum(weight * weight) FROM story_centroids GROUP BY story"))
            kept = dict(conn.execute("SELECT story, sumsq FROM story_norms"))
            return summed, kept
        finally:
            conn.close()

    summed, kept = lengths()
    assert summed and set(kept) == set(summed)
    assert all(abs(kept[s] - summed[s]) < 1e-9 for s in summed)
    conn = sqlite3.connect(db)  # a ledger from before the table: it is added, and filled as stories are compared
    conn.execute("DROP TABLE story_norms")
    conn.commit()
    conn.close()
    (tmp_path / "more.txt").write_text((EXAMPLES / "kursk-wire.txt").read_text().replace("Monday", "Tuesday")
                                       + "\n\nOfficials said on Friday that 12 more soldiers were wounded.")
    build([str(tmp_path / "more.txt")], str(db), quiet=True)
    summed, kept = lengths()
    assert kept and all(abs(kept[s] - summed[s]) < 1e-9 for s in kept)


def test_stories_sharing_a_documents_words_are_read_from_the_index_alone(example_ledger, tmp_path):
    from claimledger.store import dots_with_centroids

    conn = sqlite3.connect(example_ledger)
    try:
        plan = " ".join(r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + dots_with_centroids(2),
                                                    ("troops", 1.0, "kursk", 2.0)))
    finally:
        conn.close()
    assert "COVERING INDEX story_centroids_by_term" in plan


def test_first_claims_keep_their_words_and_an_older_ledger_gets_them(tmp_path):
    from claimledger.extract.claims import claim_terms
    from claimledger.settings import load_settings

    db = tmp_path / "l.db"
    build([str(p) for p in sorted(EXAMPLES.iterdir())], str(db), quiet=True)

    def words_and_first_claims():
        conn = sqlite3.connect(db)
        try:
            words = dict(conn.execute("SELECT claim_id, words FROM claim_words"))
            first = dict(conn.execute("SELECT id, surface FROM claims WHERE id IN (SELECT claim_id FROM claim_buckets)"))
            indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
            return words, first, indexes
        finally:
            conn.close()

    words, first, indexes = words_and_first_claims()
    assert first and set(words) == set(first)
    assert all(words[c] == " ".join(sorted(claim_terms(first[c], load_settings()))) for c in first)
    assert "story_centroids_by_term" in indexes
    conn = sqlite3.connect(db)  # a ledger from before: no words kept, centroid words indexed by word alone
    conn.execute("DROP TABLE claim_words")
    conn.execute("DROP INDEX story_centroids_by_term")
    conn.execute("CREATE INDEX story_centroids_term ON story_centroids(term)")
    conn.commit()
    conn.close()
    Ledger(db).close()
    again, _, indexes = words_and_first_claims()
    assert again == words
    assert "story_centroids_by_term" in indexes and "story_centroids_term" not in indexes


def test_one_storys_articles_over_two_months_are_one_story(tmp_path):
    """The bundled articles follow one story from mid-December to late February, from four outlets
    and in three formats: they must land in one story, found from their words alone."""
    db = tmp_path / "l.db"
    build([str(p) for p in sorted(EXAMPLES.iterdir())], str(db), quiet=True)
    with Ledger(db, readonly=True) as ledger:
        rows = list(ledger.rows("SELECT published, story FROM documents"))
    dates = sorted(r["published"] for r in rows if r["published"])
    assert len(rows) == 5 and dates[0] <= "2024-12-31" and dates[-1] >= "2025-02-01"
    assert len({r["story"] for r in rows}) == 1
