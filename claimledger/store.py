"""Store: the ledger, one SQLite file, and the only writer to it.

Flat tables with foreign keys and FTS5 (documents' text, quotes), so the file opens as-is in
Datasette. Each document goes in with all its records in one transaction: a build killed at any
moment leaves a ledger that opens, with every document either fully in or not in. Ids are content
hashes, so writing the same records twice changes nothing.
"""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .errors import LedgerError
from .models import DocumentRecords, Group, Skipped, make_id

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, started REAL NOT NULL, finished REAL, arguments TEXT,
    stored INTEGER DEFAULT 0, skipped INTEGER DEFAULT 0, status TEXT NOT NULL DEFAULT 'running');
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, raw_sha256 TEXT NOT NULL, input_key TEXT NOT NULL UNIQUE,
    title TEXT, url TEXT, outlet TEXT, published TEXT, published_from TEXT, text TEXT NOT NULL,
    words INTEGER NOT NULL, removed_lines INTEGER NOT NULL, run_id TEXT REFERENCES runs(id), minhash BLOB);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL,
    canonical_id TEXT REFERENCES entities(id));
CREATE TABLE IF NOT EXISTS aliases (
    id TEXT PRIMARY KEY, entity_id TEXT NOT NULL REFERENCES entities(id), alias TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mentions (
    id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id),
    entity_id TEXT NOT NULL REFERENCES entities(id), "start" INTEGER NOT NULL, "end" INTEGER NOT NULL,
    surface TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quantities (
    id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id),
    "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL, low REAL, high REAL,
    qualifier TEXT NOT NULL, vague INTEGER NOT NULL, unit TEXT, counted TEXT, category TEXT NOT NULL,
    source_entity_id TEXT REFERENCES entities(id), source_text TEXT, as_of TEXT, increment INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quotes (
    id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id),
    "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL,
    speaker_entity_id TEXT REFERENCES entities(id), speaker_text TEXT);
CREATE TABLE IF NOT EXISTS citations (
    id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id), cited TEXT NOT NULL,
    entity_id TEXT REFERENCES entities(id), "start" INTEGER, "end" INTEGER, surface TEXT, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS groups (
    id TEXT PRIMARY KEY, label TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL, note TEXT);
CREATE TABLE IF NOT EXISTS group_originators (
    group_id TEXT NOT NULL REFERENCES groups(id), originator TEXT NOT NULL,
    entity_id TEXT REFERENCES entities(id), PRIMARY KEY (group_id, originator));
CREATE TABLE IF NOT EXISTS group_outlets (
    group_id TEXT NOT NULL REFERENCES groups(id), outlet TEXT NOT NULL, PRIMARY KEY (group_id, outlet));
CREATE TABLE IF NOT EXISTS group_relations (
    group_id TEXT NOT NULL REFERENCES groups(id), related_id TEXT NOT NULL REFERENCES groups(id),
    PRIMARY KEY (group_id, related_id));
CREATE TABLE IF NOT EXISTS near_copies (
    document_a TEXT NOT NULL REFERENCES documents(id), document_b TEXT NOT NULL REFERENCES documents(id),
    similarity REAL NOT NULL, PRIMARY KEY (document_a, document_b));
CREATE TABLE IF NOT EXISTS group_members (
    group_id TEXT NOT NULL REFERENCES groups(id), quantity_id TEXT NOT NULL REFERENCES quantities(id),
    PRIMARY KEY (group_id, quantity_id));
CREATE TABLE IF NOT EXISTS skipped (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, reason TEXT NOT NULL, code TEXT NOT NULL,
    run_id TEXT REFERENCES runs(id));
CREATE TABLE IF NOT EXISTS reviews (
    id TEXT PRIMARY KEY, item_kind TEXT NOT NULL, item_id TEXT NOT NULL, action TEXT NOT NULL,
    field TEXT, value TEXT, reviewer TEXT NOT NULL, reason TEXT, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS reviews_item ON reviews(item_kind, item_id);
CREATE TABLE IF NOT EXISTS fetches (
    url TEXT PRIMARY KEY, final_url TEXT, status INTEGER, etag TEXT, last_modified TEXT, fetched_at REAL,
    document_id TEXT REFERENCES documents(id));
CREATE INDEX IF NOT EXISTS mentions_document ON mentions(document_id);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity_id);
CREATE INDEX IF NOT EXISTS quantities_document ON quantities(document_id);
CREATE INDEX IF NOT EXISTS quantities_category ON quantities(category);
CREATE INDEX IF NOT EXISTS quotes_document ON quotes(document_id);
CREATE INDEX IF NOT EXISTS citations_document ON citations(document_id);
CREATE INDEX IF NOT EXISTS aliases_entity ON aliases(entity_id);
CREATE INDEX IF NOT EXISTS entities_canonical ON entities(canonical_id);
CREATE INDEX IF NOT EXISTS quantities_source ON quantities(source_entity_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker_entity_id);
CREATE INDEX IF NOT EXISTS group_members_quantity ON group_members(quantity_id);
CREATE TABLE IF NOT EXISTS entity_counts (
    entity_id TEXT PRIMARY KEY REFERENCES entities(id), mentions INTEGER NOT NULL, documents INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS entity_counts_mentions ON entity_counts(mentions);
CREATE VIEW IF NOT EXISTS resolved_entities AS
    SELECT x.id, c.id AS canonical_id, c.name, c.type FROM entities x
    JOIN entities c ON c.id = coalesce(x.canonical_id, x.id);
CREATE VIEW IF NOT EXISTS citation_graph AS
    SELECT DISTINCT c.document_id AS document, c.cited AS target, e.canonical_id AS entity, 'cites' AS kind
    FROM citations c LEFT JOIN resolved_entities e ON e.id = c.entity_id
    UNION SELECT DISTINCT q.document_id, coalesce(e.name, q.source_text), e.canonical_id, 'figure source'
    FROM quantities q LEFT JOIN resolved_entities e ON e.id = q.source_entity_id
    WHERE q.source_entity_id IS NOT NULL OR q.source_text IS NOT NULL
    UNION SELECT DISTINCT q.document_id, coalesce(e.name, q.speaker_text), e.canonical_id, 'quote speaker'
    FROM quotes q LEFT JOIN resolved_entities e ON e.id = q.speaker_entity_id
    WHERE q.speaker_entity_id IS NOT NULL OR q.speaker_text IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(title, text, content='documents');
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(surface, speaker_text, content='quotes');
"""

TABLES = ("documents", "entities", "aliases", "mentions", "quantities", "quotes", "citations",
          "groups", "group_members", "group_originators", "group_outlets", "group_relations", "near_copies",
          "skipped", "runs", "reviews", "entity_counts", "fetches")


class Ledger:
    """An open ledger. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise LedgerError(f"no ledger at {self.path}; build one first with `claimledger build`")
        try:
            uri = f"file:{self.path}?mode=ro" if readonly else str(self.path)
            self.conn = sqlite3.connect(uri, uri=readonly, isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self._check_or_create(readonly)
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"{self.path} is not a ledger ({exc}); give a new file name or a ledger "
                              "built by claimledger") from exc

    def _check_or_create(self, readonly: bool) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "meta" not in tables:
            raise LedgerError(f"{self.path} is an SQLite file but not a claimledger ledger; "
                              "give a new file name")
        if "meta" in tables:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise LedgerError(f"{self.path} was written by a newer claimledger (schema {version}); "
                                  "upgrade claimledger")
            return
        if readonly:
            raise LedgerError(f"{self.path} is empty, not a ledger; build one with `claimledger build`")
        self.conn.executescript(f"BEGIN IMMEDIATE; {SCHEMA} INSERT OR REPLACE INTO meta "
                                f"VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;")

    def transaction(self):
        return _Transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------

    def start_run(self, arguments: list[str]) -> str:
        started = time.time()
        run_id = make_id("run", started, arguments)
        with self.transaction():
            self.conn.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            self.conn.execute("INSERT INTO runs (id, started, arguments) VALUES (?, ?, ?)",
                              (run_id, started, json.dumps(arguments)))
        return run_id

    def finish_run(self, run_id: str, stored: int, skipped: int, status: str = "done") -> None:
        with self.transaction():
            self.conn.execute("UPDATE runs SET finished=?, stored=?, skipped=?, status=? WHERE id=?",
                              (time.time(), stored, skipped, status, run_id))

    def has_input(self, input_key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE input_key=?", (input_key,)).fetchone() is not None

    def document_source(self, document_id: str) -> Optional[str]:
        row = self.conn.execute("SELECT source FROM documents WHERE id=?", (document_id,)).fetchone()
        return row[0] if row else None

    def add_document(self, records: DocumentRecords, input_key: str, run_id: str) -> None:
        """Writes one document and everything extracted from it, all or nothing."""
        doc = records.document
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO documents (id, source, raw_sha256, input_key, title, url, outlet, published, "
                "published_from, text, words, removed_lines, run_id, minhash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc.id, doc.source, doc.raw_sha256, input_key, doc.title, doc.url, doc.outlet,
                 doc.published, doc.published_from, doc.text, len(doc.text.split()), doc.removed_lines, run_id,
                 records.minhash or None))
            self.conn.execute("INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)",
                              (cur.lastrowid, doc.title or "", doc.text))
            for e in records.entities:
                self.conn.execute("INSERT OR IGNORE INTO entities (id, name, type) VALUES (?, ?, ?)",
                                  (e.id, e.name, e.type))
                for alias in (e.name, *e.aliases):
                    self.conn.execute("INSERT OR IGNORE INTO aliases VALUES (?, ?, ?)",
                                      (make_id(e.id, alias), e.id, alias))
            self.conn.executemany("INSERT OR IGNORE INTO mentions VALUES (?,?,?,?,?,?)",
                                  [(m.id, m.document, m.entity, m.start, m.end, m.surface)
                                   for m in records.mentions])
            self.conn.executemany(
                "INSERT OR IGNORE INTO quantities VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(q.id, q.document, q.start, q.end, q.surface, q.low, q.high, q.qualifier, int(q.vague),
                  q.unit, q.counted, q.category, q.source, q.source_text, q.as_of, int(q.increment))
                 for q in records.quantities])
            for q in records.quotes:
                cur = self.conn.execute("INSERT OR IGNORE INTO quotes VALUES (?,?,?,?,?,?,?)",
                                        (q.id, q.document, q.start, q.end, q.surface, q.speaker, q.speaker_text))
                if cur.rowcount:
                    self.conn.execute("INSERT INTO quotes_fts (rowid, surface, speaker_text) VALUES (?, ?, ?)",
                                      (cur.lastrowid, q.surface, q.speaker_text or ""))
            self.conn.executemany("INSERT OR IGNORE INTO citations VALUES (?,?,?,?,?,?,?,?)",
                                  [(c.id, c.document, c.cited, c.entity, c.start, c.end, c.surface, c.kind)
                                   for c in records.citations])

    def add_skipped(self, skipped: Skipped, run_id: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR IGNORE INTO skipped VALUES (?, ?, ?, ?, ?)",
                              (skipped.id, skipped.source, skipped.reason, skipped.code, run_id))

    def replace_links(self, links: Iterable[tuple[str, str]]) -> int:
        """Sets each entity's canonical entity anew, and the mention counts of canonical entities, in
        one transaction."""
        count = 0
        with self.transaction():
            self.conn.execute("UPDATE entities SET canonical_id = NULL")
            for entity_id, canonical_id in links:
                self.conn.execute("UPDATE entities SET canonical_id = ? WHERE id = ?", (canonical_id, entity_id))
                count += 1
            self.conn.execute("DELETE FROM entity_counts")
            self.conn.execute(
                "INSERT INTO entity_counts SELECT e.canonical_id, count(*), count(DISTINCT m.document_id) "
                "FROM mentions m JOIN resolved_entities e ON e.id = m.entity_id GROUP BY e.canonical_id")
        return count

    def replace_near_copies(self, pairs: Iterable[tuple[str, str, float]]) -> int:
        with self.transaction():
            self.conn.execute("DELETE FROM near_copies")
            rows = [(a, b, sim) if a < b else (b, a, sim) for a, b, sim in pairs]
            self.conn.executemany("INSERT OR REPLACE INTO near_copies VALUES (?, ?, ?)", rows)
        return len(rows)

    def replace_groups(self, groups: Iterable[Group]) -> int:
        """Swaps the cross-source groups for new ones in one transaction."""
        count = 0
        with self.transaction():
            for table in ("group_relations", "group_outlets", "group_originators", "group_members", "groups"):
                self.conn.execute(f"DELETE FROM {table}")
            relations = []
            for g in groups:
                self.conn.execute("INSERT INTO groups VALUES (?, ?, ?, ?, ?)",
                                  (g.id, g.label, g.category, g.status, g.note))
                self.conn.executemany("INSERT INTO group_members VALUES (?, ?)", [(g.id, q) for q in g.quantities])
                self.conn.executemany(
                    "INSERT INTO group_originators VALUES (?, ?, (SELECT id FROM entities WHERE id = ?))",
                    [(g.id, o, o) for o in g.originators])
                self.conn.executemany("INSERT INTO group_outlets VALUES (?, ?)", [(g.id, o) for o in g.outlets])
                relations += [(g.id, r) for r in g.related]
                count += 1
            self.conn.executemany("INSERT INTO group_relations VALUES (?, ?)", relations)
        return count

    # -- reading -----------------------------------------------------------------------------

    def rows(self, sql: str, params: tuple = ()) -> Iterator[sqlite3.Row]:
        return iter(self.conn.execute(sql, params))

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ValueError(table)
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when the block raises."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


__all__ = ["Ledger", "SCHEMA_VERSION", "TABLES"]
