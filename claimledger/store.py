"""Store: the ledger, one SQLite file, and the only writer to it.

Flat tables with foreign keys and FTS5 (documents' text, quotes), so the file opens as-is in
Datasette. Each document goes in with all its records in one transaction: a build killed at any
moment leaves a ledger that opens, with every document either fully in or not in. Ids are content
hashes, so writing the same records twice changes nothing.

The same transaction files the document among the others by its blocking keys
(`extract.blocking`): near-copy of an earlier document whose LSH bucket it shares, member of the
story of earlier documents that share a pair of its main entities. It also notes the document in
`pending`, which the cross-document steps (`link`, `group`) work through and clear, so that adding
one document to a large ledger redoes only what it touches, and a build interrupted before them
leaves the work for the next one.
"""
from __future__ import annotations

import json
import sqlite3
import sys
import time

import numpy as np
from pathlib import Path
from typing import Iterable, Iterator, Optional

from . import store_postgres
from .errors import LedgerError
from .extract.blocking import name_block, name_initials
from .models import DocumentRecords, Group, Skipped, make_id
from .settings import load_settings

SCHEMA_VERSION = 3

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, started REAL NOT NULL, finished REAL, arguments TEXT,
    stored INTEGER DEFAULT 0, skipped INTEGER DEFAULT 0, status TEXT NOT NULL DEFAULT 'running');
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, raw_sha256 TEXT NOT NULL, input_key TEXT NOT NULL UNIQUE,
    title TEXT, url TEXT, outlet TEXT, published TEXT, published_from TEXT, text TEXT NOT NULL,
    words INTEGER NOT NULL, removed_lines INTEGER NOT NULL, run_id TEXT REFERENCES runs(id), minhash BLOB,
    story TEXT, copy_of TEXT REFERENCES documents(id));
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL,
    canonical_id TEXT REFERENCES entities(id), block TEXT, initials TEXT, link_to TEXT REFERENCES entities(id));
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
    id TEXT PRIMARY KEY, label TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL, note TEXT,
    story TEXT);
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
{RESOLVED_ENTITIES};
CREATE VIEW IF NOT EXISTS citation_graph AS
    SELECT DISTINCT c.document_id AS document, c.cited AS target, e.canonical_id AS entity, 'cites' AS kind
    FROM citations c LEFT JOIN resolved_entities e ON e.id = c.entity_id
    UNION SELECT DISTINCT q.document_id, coalesce(e.name, q.source_text), e.canonical_id, 'figure source'
    FROM quantities q LEFT JOIN resolved_entities e ON e.id = q.source_entity_id
    WHERE q.source_entity_id IS NOT NULL OR q.source_text IS NOT NULL
    UNION SELECT DISTINCT q.document_id, coalesce(e.name, q.speaker_text), e.canonical_id, 'quote speaker'
    FROM quotes q LEFT JOIN resolved_entities e ON e.id = q.speaker_entity_id
    WHERE q.speaker_entity_id IS NOT NULL OR q.speaker_text IS NOT NULL;
{V2}
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(title, text, content="documents");
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(surface, speaker_text, content="quotes");
"""

# Every entity with the canonical entity it resolves to. Written without a join so that SQLite can fold
# the view into a query's LEFT JOIN; with one, it builds the whole view on each query (every entity).
RESOLVED_ENTITIES = """CREATE VIEW IF NOT EXISTS resolved_entities AS
    SELECT x.id, coalesce(x.canonical_id, x.id) AS canonical_id,
    CASE WHEN x.canonical_id IS NULL THEN x.name ELSE (SELECT c.name FROM entities c WHERE c.id = x.canonical_id) END AS name,
    CASE WHEN x.canonical_id IS NULL THEN x.type ELSE (SELECT c.type FROM entities c WHERE c.id = x.canonical_id) END AS type
    FROM entities x"""

V2 = """
CREATE TABLE IF NOT EXISTS story_keys (key TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id));
CREATE TABLE IF NOT EXISTS minhash_bands (
    band INTEGER NOT NULL, bucket INTEGER NOT NULL, document_id TEXT NOT NULL REFERENCES documents(id),
    PRIMARY KEY (band, bucket, document_id));
CREATE TABLE IF NOT EXISTS pending (kind TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (kind, item));
{STORY_TABLES}CREATE INDEX IF NOT EXISTS documents_story ON documents(story);
CREATE INDEX IF NOT EXISTS entities_block ON entities(type, block);
CREATE INDEX IF NOT EXISTS entities_initials ON entities(type, initials);
CREATE INDEX IF NOT EXISTS entities_name ON entities(type, name);
CREATE INDEX IF NOT EXISTS entities_link ON entities(link_to);
CREATE INDEX IF NOT EXISTS groups_story ON groups(story);
"""
V3 = """
CREATE TABLE IF NOT EXISTS claims (
    id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id),
    "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL,
    source_entity_id TEXT REFERENCES entities(id), source_text TEXT, cue TEXT, cue_start INTEGER,
    cue_end INTEGER, kind TEXT NOT NULL, claim_key TEXT);
CREATE INDEX IF NOT EXISTS claims_document ON claims(document_id);
CREATE INDEX IF NOT EXISTS claims_source ON claims(source_entity_id);
CREATE INDEX IF NOT EXISTS claims_key ON claims(claim_key);
CREATE TABLE IF NOT EXISTS claim_buckets (
    bucket INTEGER NOT NULL, claim_id TEXT NOT NULL REFERENCES claims(id), PRIMARY KEY (bucket, claim_id));
CREATE TABLE IF NOT EXISTS claim_words (claim_id TEXT PRIMARY KEY REFERENCES claims(id), words TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS claims_fts USING fts5(surface, source_text, content="claims");
"""
# Stories by content (`_file_in_story`): document frequencies of words (the row '' holds the number
# of documents), each story's centroid (indexed by word with its story and weight, so that the
# stories sharing a document's words are read from the index alone) and the sum of its squared
# weights (kept with it, so that filing a document never sums every candidate story's centroid); the
# stories a user named for documents (`build --story`).
STORY_TABLES = """
CREATE TABLE IF NOT EXISTS story_df (term TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS story_centroids (
    story TEXT NOT NULL, term TEXT NOT NULL, weight REAL NOT NULL, PRIMARY KEY (story, term));
CREATE INDEX IF NOT EXISTS story_centroids_by_term ON story_centroids(term, story, weight);
CREATE TABLE IF NOT EXISTS story_norms (story TEXT PRIMARY KEY, sumsq REAL NOT NULL);
CREATE TABLE IF NOT EXISTS named_stories (document_id TEXT PRIMARY KEY, story TEXT NOT NULL);
"""
V2 = V2.replace("{STORY_TABLES}", STORY_TABLES)
SCHEMA = SCHEMA.replace("{V2}", V2 + V3).replace("{RESOLVED_ENTITIES}", RESOLVED_ENTITIES)

# The tables of cross-source groups, those that refer to `groups` first.
GROUP_TABLES = ("group_relations", "group_outlets", "group_originators", "group_members", "groups")

# Columns that schema 2 added to tables of schema 1.
V2_COLUMNS = (("documents", "story TEXT"), ("documents", "copy_of TEXT REFERENCES documents(id)"),
              ("entities", "block TEXT"), ("entities", "initials TEXT"),
              ("entities", "link_to TEXT REFERENCES entities(id)"), ("groups", "story TEXT"))

TABLES = ("documents", "entities", "aliases", "mentions", "quantities", "quotes", "claims", "citations",
          "groups", "group_members", "group_originators", "group_outlets", "group_relations", "near_copies",
          "skipped", "runs", "reviews", "entity_counts", "fetches", "story_keys", "minhash_bands", "pending")


def database_errors() -> tuple[type[Exception], ...]:
    """What a bad statement raises, on either backend: PostgreSQL's errors only once its driver is in
    use (importing it costs every SQLite build a tenth of a second)."""
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.Error, psycopg.Error) if psycopg is not None else (sqlite3.Error,)


class Ledger:
    """An open ledger. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.location = str(path)
        self.postgres = store_postgres.is_postgres(self.location)
        self.path = Path(path) if not self.postgres else None
        self.name = store_postgres.redacted(self.location) if self.postgres else str(self.path)
        self._settings = None
        self._depth = 0  # transactions open, the outer one and its savepoints
        if self.postgres:
            self.conn = store_postgres.Connection(self.location, readonly)
            try:
                self._check_or_create(readonly)
            except BaseException:
                self.conn.close()
                raise
            return
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

    def _table_names(self) -> set[str]:
        if self.postgres:
            return store_postgres.table_names(self.conn)
        return {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    def _check_or_create(self, readonly: bool) -> None:
        tables = self._table_names()
        if tables and "meta" not in tables:
            raise LedgerError(f"{self.name} is a database but not a claimledger ledger; "
                              "give a new file name or an empty database")
        if "meta" in tables:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise LedgerError(f"{self.name} was written by a newer claimledger (schema {version}); "
                                  "upgrade claimledger")
            if not readonly and not {"named_stories", "story_norms"} <= tables and version >= 2:
                self._add_story_tables()
            if not readonly and version >= 2:
                self._index_centroids_by_term()
            if version == 2 and not readonly:
                self._upgrade_to_claims()
            elif version == SCHEMA_VERSION and not readonly and "claims" in tables and "claim_buckets" not in tables:
                self._add_claim_keys()
            elif version == SCHEMA_VERSION and not readonly and "claim_buckets" in tables and "claim_words" not in tables:
                self._add_claim_words()
            elif version < SCHEMA_VERSION:
                if readonly or self.postgres:
                    raise LedgerError(f"{self.name} has an older schema ({version}); run `claimledger build` "
                                      "on it once to upgrade it")
                self._upgrade(version)
            if not readonly and not self.postgres:
                self._fts_for_datasette()
                self._flat_resolved_entities()
            return
        if readonly:
            raise LedgerError(f"{self.name} is empty, not a ledger; build one with `claimledger build`")
        if self.postgres:
            self._create_postgres()
            return
        self.conn.executescript(f"BEGIN IMMEDIATE; {SCHEMA} INSERT OR REPLACE INTO meta "
                                f"VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;")

    def _flat_resolved_entities(self) -> None:
        """An older ledger's `resolved_entities` view (a join, built whole by each query that reads it
        through a LEFT JOIN) defined again as `RESOLVED_ENTITIES`: the same rows."""
        row = self.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'resolved_entities'"
                                ).fetchone()
        if row is not None and "CASE WHEN" not in row[0]:
            with self.transaction():
                self.conn.execute("DROP VIEW resolved_entities")
                self.conn.execute(RESOLVED_ENTITIES)

    def _fts_for_datasette(self) -> None:
        """Full-text tables made with content='table' (older ledgers) made again with
        content="table", the spelling Datasette detects, and rebuilt from their table."""
        import re

        old = [(r[0], r[1]) for r in self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%content=''%'")]
        if not old:
            return
        with self.transaction():
            for name, sql in old:
                self.conn.execute(f'DROP TABLE "{name}"')
                self.conn.execute(re.sub(r"content='(\w+)'", r'content="\1"', sql))
                self.conn.execute(f"INSERT INTO \"{name}\"(\"{name}\") VALUES ('rebuild')")

    def _create_postgres(self) -> None:
        """The schema, created once even when several builds start on an empty database at once."""
        with self.transaction():
            if "meta" in self._table_names():
                return
            for statement in store_postgres.schema(SCHEMA):
                self.conn.execute(statement)
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _add_story_tables(self) -> None:
        """The tables of stories by content, for a ledger made before them; its documents keep the
        stories they were filed in until `refile`. Centroids already there get their lengths."""
        with self.transaction():
            statements = store_postgres.schema(STORY_TABLES) if self.postgres else STORY_TABLES.split(";")
            for statement in statements:
                if statement.strip() and "tsv" not in statement:
                    self.conn.execute(statement)
            self.conn.execute("INSERT INTO story_norms SELECT story, sum(weight * weight) FROM story_centroids "
                              "GROUP BY story ON CONFLICT (story) DO NOTHING")

    def _index_centroids_by_term(self) -> None:
        """An older ledger's index of centroid words by word alone replaced by `story_centroids_by_term`."""
        if self.postgres:
            old = self.conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'story_centroids_term'").fetchone()
        else:
            old = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' "
                                    "AND name = 'story_centroids_term'").fetchone()
        if old is not None:
            with self.transaction():
                self.conn.execute("CREATE INDEX IF NOT EXISTS story_centroids_by_term "
                                  "ON story_centroids(term, story, weight)")
                self.conn.execute("DROP INDEX story_centroids_term")

    def _add_claim_words(self) -> None:
        """The words of first claims (`_file_claim`), for a ledger made before they were kept: read
        from the surfaces of the claims in the buckets."""
        from .extract.claims import claim_terms

        with self.transaction():
            for statement in store_postgres.schema(V3) if self.postgres else V3.split(";"):
                if "claim_words" in statement:
                    self.conn.execute(statement)
            first = self.conn.execute("SELECT c.id, c.surface FROM claims c WHERE c.id IN "
                                      "(SELECT claim_id FROM claim_buckets)").fetchall()
            self.conn.executemany("INSERT INTO claim_words VALUES (?, ?)",
                                  [(r[0], words_text(claim_terms(r[1], self.settings))) for r in first])

    def _upgrade_to_claims(self) -> None:
        """Schema 2 to 3: the claims table. Documents stored before it have no claims until they
        are built again."""
        with self.transaction():
            statements = store_postgres.schema(V3) if self.postgres else V3.split(";")
            for statement in statements:
                if statement.strip():
                    self.conn.execute(statement)
            self.conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    def _add_claim_keys(self) -> None:
        """Claim keys (`_file_claim`) for a ledger whose claims table came before them."""
        with self.transaction():
            self.conn.execute("ALTER TABLE claims ADD COLUMN claim_key TEXT")
            for statement in store_postgres.schema(V3) if self.postgres else V3.split(";"):
                if "claim_buckets" in statement or "claim_words" in statement or (
                        "INDEX" in statement and "claim_key" in statement):
                    self.conn.execute(statement)
            self._file_every_claim()

    def _file_every_claim(self) -> None:
        self.conn.execute("DELETE FROM claim_buckets")
        self.conn.execute("DELETE FROM claim_words")
        for row in list(self.conn.execute('SELECT c.id, c.surface FROM claims c JOIN documents d '
                                          'ON d.id = c.document_id ORDER BY d.rowid, c."start", c.id')):
            self._file_claim(row[0], row[1])

    def _upgrade(self, version: int) -> None:
        """Brings a schema-1 ledger to schema 2 in one transaction: the new columns and tables, then
        every document filed anew (`refile`)."""
        with self.transaction():
            for table, column in V2_COLUMNS:
                self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
            for statement in (V2 + V3).split(";"):
                if statement.strip():
                    self.conn.execute(statement)
            for row in list(self.conn.execute("SELECT id, name FROM entities")):
                self.conn.execute("UPDATE entities SET block = ?, initials = ? WHERE id = ?",
                                  (name_block(row["name"]), name_initials(row["name"]), row["id"]))
            self._refile()
            self.conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    def refile(self) -> int:
        """Files every document anew by the blocking keys of the current settings, in one
        transaction; returns how many. The cross-document steps then redo links and groups in full."""
        with self.transaction():
            return self._refile()

    def _refile(self) -> int:
        """Every document filed again from its stored signature and mentions, in one canonical
        order (publication date, undated last, then source and id) whatever the order they were
        stored in, so the earliest published of near-copies is their original and a refile gives
        the same stories however the articles came in; near-copies, stories and groups emptied
        first, everything marked pending."""
        from .extract.blocking import minhash_bands, story_keys

        for table in (*GROUP_TABLES, "near_copies", "story_keys", "minhash_bands", "story_df", "story_centroids",
                      "story_norms"):
            self.conn.execute(f"DELETE FROM {table}")
        self.conn.execute("UPDATE documents SET story = NULL, copy_of = NULL")
        count = 0
        named = {r[0]: r[1] for r in self.conn.execute("SELECT document_id, story FROM named_stories")}
        for row in list(self.conn.execute("SELECT id, minhash, text FROM documents "
                                          "ORDER BY published IS NULL, published, source, id")):
            mentioned = [r[0] for r in self.conn.execute("SELECT entity_id FROM mentions WHERE document_id = ?",
                                                          (row["id"],))]
            signature = bytes(row["minhash"] or b"")
            self._file_near_copy(row["id"], signature, minhash_bands(signature, self.settings))
            self._file_in_story(row["id"], story_keys(mentioned, self.settings), row["text"], named.get(row["id"]))
            self.conn.execute("INSERT OR IGNORE INTO pending VALUES ('document', ?)", (row["id"],))
            count += 1
        self._file_every_claim()
        self.conn.execute("DELETE FROM pending WHERE kind = 'story'")
        self._recount_all()
        self.conn.execute("DELETE FROM pending WHERE kind = 'uncounted'")
        return count

    def transaction(self):
        return _Transaction(self)

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

    def add_document(self, records: DocumentRecords, input_key: str, run_id: str,
                     story: Optional[str] = None) -> Optional[tuple[str, str]]:
        """Writes one document and everything extracted from it, all or nothing. When the ledger
        already has its text or its input (another build may have stored it meanwhile), writes
        nothing and returns the (source, input key) it was stored from. `story` names the story the
        document belongs to, whatever its words say (`build --story`); a document already stored is
        moved to it."""
        doc = records.document
        with self.transaction():
            there = self.conn.execute("SELECT source, input_key, id FROM documents WHERE id = ? OR input_key = ?",
                                      (doc.id, input_key)).fetchone()
            if there is not None:
                if story:
                    self._move_to_named_story(there[2], story)
                return there[0], there[1]
            if story:
                self._name_story(doc.id, story)
            cur = self.conn.execute(
                "INSERT INTO documents (id, source, raw_sha256, input_key, title, url, outlet, published, "
                "published_from, text, words, removed_lines, run_id, minhash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc.id, doc.source, doc.raw_sha256, input_key, doc.title, doc.url, doc.outlet,
                 doc.published, doc.published_from, doc.text, len(doc.text.split()), doc.removed_lines, run_id,
                 records.minhash or None))
            if not self.postgres:  # PostgreSQL indexes the text itself (store_postgres)
                self.conn.execute("INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)",
                                  (cur.lastrowid, doc.title or "", doc.text))
            self._file_near_copy(doc.id, records.minhash, records.bands)
            self._file_in_story(doc.id, records.story_keys, doc.text, story)
            self.conn.executemany("INSERT OR IGNORE INTO pending VALUES (?, ?)",
                                  [("document", doc.id), ("uncounted", doc.id)])
            self.conn.executemany("INSERT OR IGNORE INTO entities (id, name, type, block, initials) "
                                  "VALUES (?, ?, ?, ?, ?)", [(e.id, e.name, e.type, name_block(e.name),
                                                              name_initials(e.name)) for e in records.entities])
            self.conn.executemany("INSERT OR IGNORE INTO aliases VALUES (?, ?, ?)",
                                  [(make_id(e.id, alias), e.id, alias) for e in records.entities
                                   for alias in (e.name, *e.aliases)])
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
                if cur.rowcount and not self.postgres:
                    self.conn.execute("INSERT INTO quotes_fts (rowid, surface, speaker_text) VALUES (?, ?, ?)",
                                      (cur.lastrowid, q.surface, q.speaker_text or ""))
            for c in records.claims:
                cur = self.conn.execute("INSERT OR IGNORE INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                                        (c.id, c.document, c.start, c.end, c.surface, c.source, c.source_text,
                                         c.cue, c.cue_start, c.cue_end, c.kind, None))
                if cur.rowcount:
                    self._file_claim(c.id, c.surface)
                if cur.rowcount and not self.postgres:
                    self.conn.execute("INSERT INTO claims_fts (rowid, surface, source_text) VALUES (?, ?, ?)",
                                      (cur.lastrowid, c.surface, c.source_text or ""))
            self.conn.executemany("INSERT OR IGNORE INTO citations VALUES (?,?,?,?,?,?,?,?)",
                                  [(c.id, c.document, c.cited, c.entity, c.start, c.end, c.surface, c.kind)
                                   for c in records.citations])

    def _file_claim(self, claim_id: str, content: str) -> None:
        """Sets the claim's `claim_key`, the claim it repeats: of the earlier claims sharing buckets
        with its content (`extract.claims.claim_buckets`), the one whose words it overlaps most, from
        `[relay] min_jaccard` on; else itself, and it goes in the buckets. Only such first claims are
        there, so buckets stay small however many outlets relay one statement. A candidate must share
        the exact bucket or `min_shared_bands` LSH bands (one band is what claims of a third of the
        words in common often share); a bucket holds at most `max_bucket_claims` first claims, so a
        common run of words (a hub) costs a bounded look-up. A claim with the very words of a first
        claim in the exact bucket repeats it (no other can overlap more) and the bands are not read.
        Who says it is compared when reading (by canonical entity, which linking may still change)."""
        from .extract.claims import claim_buckets, claim_terms, terms_jaccard

        table = self.settings["relay"]
        terms = claim_terms(content, self.settings)
        buckets = claim_buckets(terms, self.settings)
        exact, bands = buckets[0], buckets[1:]
        need = min(table["min_shared_bands"], len(bands)) or 1
        same = self.conn.execute("SELECT max(claim_id) FROM claim_buckets WHERE bucket = ? AND claim_id != ?",
                                 (exact, claim_id)).fetchone()[0] if terms else None
        if same is not None:
            self.conn.execute("UPDATE claims SET claim_key = ? WHERE id = ?", (same, claim_id))
            return
        candidates = self.conn.execute(
            "SELECT c.claim_id, w.words FROM (SELECT claim_id FROM claim_buckets WHERE bucket IN "
            f"({marks(buckets)}) AND claim_id != ? GROUP BY claim_id "
            "HAVING sum(CASE WHEN bucket = ? THEN ? ELSE 1 END) >= ?) c "
            "JOIN claim_words w ON w.claim_id = c.claim_id ORDER BY c.claim_id",
            (*buckets, claim_id, exact, len(bands) + 1, need)).fetchall()
        best = None
        for candidate, words in candidates:
            best = max(best or (0.0, ""), (terms_jaccard(terms, frozenset(words.split())), candidate))
        key = claim_id
        if best is not None and best[0] >= table["min_jaccard"]:
            key = best[1]
        else:
            full = {r[0] for r in self.conn.execute(
                f"SELECT bucket FROM claim_buckets WHERE bucket IN ({marks(buckets)}) GROUP BY bucket "
                "HAVING count(*) >= ?", (*buckets, table["max_bucket_claims"]))}
            self.conn.executemany("INSERT OR IGNORE INTO claim_buckets VALUES (?, ?)",
                                  [(b, claim_id) for b in buckets if b not in full])
            self.conn.execute("INSERT OR IGNORE INTO claim_words VALUES (?, ?)", (claim_id, words_text(terms)))
        self.conn.execute("UPDATE claims SET claim_key = ? WHERE id = ?", (key, claim_id))

    def add_skipped(self, skipped: Skipped, run_id: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR IGNORE INTO skipped VALUES (?, ?, ?, ?, ?)",
                              (skipped.id, skipped.source, skipped.reason, skipped.code, run_id))

    def _file_near_copy(self, document_id: str, signature: bytes, bands: tuple[int, ...]) -> None:
        """Pairs the document with the earlier document it nearly copies (the most similar of those
        sharing an LSH bucket with it), or, copying none, makes it one that later copies are
        compared with. Only such originals are in the buckets, so they stay small however widely a
        wire story is syndicated."""
        if not bands:
            return
        candidates = set()
        for band, bucket in enumerate(bands):
            candidates.update(r[0] for r in self.conn.execute(
                "SELECT document_id FROM minhash_bands WHERE band = ? AND bucket = ?", (band, bucket)))
        values = np.frombuffer(signature, dtype="<u8")
        best = None
        for chunk in chunks(sorted(candidates)):
            rows = self.conn.execute(f"SELECT id, minhash FROM documents WHERE id IN ({marks(chunk)})", chunk).fetchall()
            theirs = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype="<u8").reshape(len(rows), -1)
            for other, similarity in zip((r[0] for r in rows), (theirs == values).mean(axis=1)):
                best = max(best or (0.0, ""), (float(similarity), other))
        if best is not None and best[0] >= self.settings["group"]["near_copy_jaccard"]:
            similarity, original = best
            self.conn.execute("UPDATE documents SET copy_of = ? WHERE id = ?", (original, document_id))
            self.conn.execute("INSERT OR REPLACE INTO near_copies VALUES (?, ?, ?)",
                              (*sorted((document_id, original)), similarity))
            return
        self.conn.executemany("INSERT OR IGNORE INTO minhash_bands VALUES (?, ?, ?)",
                              [(band, bucket, document_id) for band, bucket in enumerate(bands)])

    def _file_in_story(self, document_id: str, keys: tuple[str, ...], text: str = "",
                       named: Optional[str] = None) -> None:
        """Puts the document in the story a user named for it (`named`), else in the story its words
        are most like (`_story_by_words`). Its words join that story's centroid, so that later
        articles like it can follow; its entity keys are kept in `story_keys`."""
        from .extract.blocking import story_terms

        terms = story_terms(text, self.settings)
        self.conn.execute("INSERT INTO story_df VALUES ('', 1) ON CONFLICT (term) DO UPDATE SET n = story_df.n + 1")
        self.conn.executemany("INSERT INTO story_df VALUES (?, 1) ON CONFLICT (term) DO UPDATE SET n = story_df.n + 1",
                              [(t,) for t in sorted(terms)])
        vector = self._story_vector(terms)
        story = named_story_id(named) if named else self._story_by_words(document_id, vector)
        self._add_to_centroid(story, vector)
        self.conn.execute("UPDATE documents SET story = ? WHERE id = ?", (story, document_id))
        self.conn.executemany("INSERT OR IGNORE INTO story_keys VALUES (?, ?)", [(k, document_id) for k in keys])

    def _story_vector(self, terms: dict[str, float]) -> dict[str, float]:
        """A document's words as its TF-IDF vector against the ledger's document frequencies now."""
        from .extract.blocking import story_vector

        df: dict[str, int] = {}
        for chunk in chunks(sorted(terms) + [""]):
            df.update((r[0], r[1]) for r in self.conn.execute(
                f"SELECT term, n FROM story_df WHERE term IN ({marks(chunk)})", tuple(chunk)))
        return story_vector(terms, df, df.get("", 1), self.settings)

    def split_mixed_stories(self, stories: Iterable[str]) -> set[str]:
        """Each of these stories cut into the events of one kind it mixes (`blocking.story_parts`,
        on its documents' vectors against today's document frequencies): the part holding the
        story's first document keeps its id, the others are named by their first document; each
        part's centroid is rebuilt from its documents and every part is marked pending. Stories a
        user named, and those over `[group] story_split_max_documents`, are left whole. Returns the
        ids of the stories split off."""
        from .extract.blocking import story_parts, story_terms

        table = self.settings["group"]
        new: set[str] = set()
        for story in sorted(s for s in stories if s and not is_named_story(s)):
            size = self.conn.execute("SELECT count(*) FROM documents WHERE story = ?", (story,)).fetchone()[0]
            if not 2 * table["story_split_min_part"] <= size <= table["story_split_max_documents"]:
                continue
            members, vectors = [], {}
            for row in self.conn.execute("SELECT id, text, published FROM documents WHERE story = ? ORDER BY rowid",
                                         (story,)).fetchall():
                vectors[row[0]] = self._story_vector(story_terms(row[1], self.settings))
                members.append((row[0], vectors[row[0]], row[2]))
            parts = story_parts(members, self.settings)
            if len(parts) < 2:
                continue
            self._drop_centroid(story)
            for n, part in enumerate(parts):
                name = story if n == 0 else part[0]
                if n:
                    new.add(name)
                    self.conn.executemany("UPDATE documents SET story = ? WHERE id = ?", [(name, d) for d in part])
                centroid: dict[str, float] = {}
                for document in part:
                    for term, weight in vectors[document].items():
                        centroid[term] = centroid.get(term, 0.0) + weight
                self._add_to_centroid(name, centroid)
                self.conn.execute("INSERT OR IGNORE INTO pending VALUES ('story', ?)", (name,))
        return new

    def _story_by_words(self, document_id: str, vector: dict[str, float]) -> str:
        """The story whose centroid the document's words are most like (`[group] story_similarity`),
        found through the index of centroid words; other stories it is very like
        (`story_merge_similarity`) become one with it, named by their first document, and are marked
        pending for their groups to be redone. Like nothing, it starts a story of its own. A story a
        user named takes part in no merge: it is joined alone, and never merged into another."""
        table = self.settings["group"]
        dots: dict[str, float] = {}
        for chunk in chunks(sorted(vector)):
            for r in self.conn.execute(dots_with_centroids(len(chunk)), tuple(x for t in chunk for x in (t, vector[t]))):
                dots[r[0]] = dots.get(r[0], 0.0) + r[1]
        norms = self._centroid_norms(sorted(dots))
        similar = {story: dot / (norms.get(story) or 1.0) for story, dot in dots.items()}
        similar = {story: v for story, v in similar.items() if v >= table["story_similarity"]}
        if not similar:
            return document_id
        best = max(similar, key=lambda s: (similar[s], s))
        if is_named_story(best):
            return best
        joined = {best} | {s for s, v in similar.items()
                           if v >= table["story_merge_similarity"] and not is_named_story(s)}
        story = min(joined, key=lambda s: self.conn.execute(
            "SELECT rowid FROM documents WHERE id = ?", (s,)).fetchone()[0])
        for merged in joined - {story}:
            self.conn.execute("UPDATE documents SET story = ? WHERE story = ?", (story, merged))
            self.conn.execute("INSERT OR IGNORE INTO pending VALUES ('story', ?)", (merged,))
            self._add_to_centroid(story, {r[0]: r[1] for r in self.conn.execute(
                "SELECT term, weight FROM story_centroids WHERE story = ?", (merged,))})
            self._drop_centroid(merged)
        if len(joined) > 1:
            self.conn.execute("INSERT OR IGNORE INTO pending VALUES ('story', ?)", (story,))
        return story

    def put_input_in_story(self, input_key: str, named: str) -> None:
        """The stored document of this input put in the story a user named (`build --story`)."""
        with self.transaction():
            row = self.conn.execute("SELECT id FROM documents WHERE input_key = ?", (input_key,)).fetchone()
            if row is not None:
                self._move_to_named_story(row[0], named)

    def _move_to_named_story(self, document_id: str, named: str) -> None:
        """A stored document put in the story a user named: both stories' groups are redone. (The
        story it leaves keeps its words in its centroid until `refile`.)"""
        story = named_story_id(named)
        before = self.conn.execute("SELECT story FROM documents WHERE id = ?", (document_id,)).fetchone()[0]
        self._name_story(document_id, named)
        if before == story:
            return
        self.conn.execute("UPDATE documents SET story = ? WHERE id = ?", (story, document_id))
        self.conn.executemany("INSERT OR IGNORE INTO pending VALUES ('story', ?)",
                              [(s,) for s in (before, story) if s])

    def _name_story(self, document_id: str, named: str) -> None:
        self.conn.execute("INSERT INTO named_stories VALUES (?, ?) ON CONFLICT (document_id) "
                          "DO UPDATE SET story = excluded.story", (document_id, named))

    def _add_to_centroid(self, story: str, vector: dict[str, float]) -> None:
        """Adds a vector to a story's centroid and keeps its `story_centroid_terms` heaviest words."""
        if not vector:
            return
        self.conn.executemany("INSERT INTO story_centroids VALUES (?, ?, ?) ON CONFLICT (story, term) "
                              "DO UPDATE SET weight = story_centroids.weight + excluded.weight",
                              [(story, t, v) for t, v in sorted(vector.items())])
        keep = self.settings["group"]["story_centroid_terms"]
        rows = sorted(self.conn.execute("SELECT term, weight FROM story_centroids WHERE story = ?", (story,)),
                      key=lambda r: (-r[1], r[0]))
        if len(rows) > keep:
            self.conn.executemany("DELETE FROM story_centroids WHERE story = ? AND term = ?",
                                  [(story, r[0]) for r in rows[keep:]])
        self.conn.execute("INSERT INTO story_norms VALUES (?, ?) ON CONFLICT (story) DO UPDATE SET sumsq = excluded.sumsq",
                          (story, sum(r[1] * r[1] for r in rows[:keep])))

    def _drop_centroid(self, story: str) -> None:
        self.conn.execute("DELETE FROM story_centroids WHERE story = ?", (story,))
        self.conn.execute("DELETE FROM story_norms WHERE story = ?", (story,))

    def _centroid_norms(self, stories: list[str]) -> dict[str, float]:
        """Each story's centroid length, from `story_norms`."""
        sumsq: dict[str, float] = {}
        for chunk in chunks(stories):
            sumsq.update((r[0], r[1]) for r in self.conn.execute(
                f"SELECT story, sumsq FROM story_norms WHERE story IN ({marks(chunk)})", tuple(chunk)))
        return {story: value ** 0.5 for story, value in sumsq.items()}

    @property
    def settings(self):
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    def set_links(self, direct: dict[str, Optional[str]]) -> int:
        """Sets the direct link (the entity it is another name for, or None) of each entity in
        `direct`; then, for every entity whose chain of links passes through one that changed, its
        canonical entity (the end of the chain); then the mention counts of canonical entities
        (`_update_counts`). Stories with figures whose originator moved are marked pending. One
        transaction; returns how many entities moved."""
        with self.transaction():
            old = self._column_of("link_to", direct)
            changed = [e for e, target in direct.items() if old.get(e) != target]
            self.conn.executemany("UPDATE entities SET link_to = ? WHERE id = ?",
                                  [(direct[e], e) for e in changed])
            old_roots = set(self._roots_of(changed).values())
            affected = set(changed) | self._members_of(old_roots)
            before = self._roots_of(affected)
            after = self._chain_ends(affected)
            moved = [e for e in affected if before[e] != after[e]]
            self.conn.executemany("UPDATE entities SET canonical_id = ? WHERE id = ?",
                                  [(None if after[e] == e else after[e], e) for e in moved])
            self._update_counts(old_roots | set(after.values()))
            for chunk in chunks(moved):
                self.conn.execute(
                    "INSERT OR IGNORE INTO pending SELECT DISTINCT 'story', d.story FROM quantities q "
                    f"JOIN documents d ON d.id = q.document_id WHERE q.source_entity_id IN ({marks(chunk)})", chunk)
        return len(moved)

    def _column_of(self, column: str, ids: Iterable[str]) -> dict[str, Optional[str]]:
        found = {}
        for chunk in chunks(list(ids)):
            found.update(self.conn.execute(f"SELECT id, {column} FROM entities WHERE id IN ({marks(chunk)})", chunk))
        return found

    def _roots_of(self, ids: Iterable[str]) -> dict[str, str]:
        """Each entity's canonical entity as stored now."""
        return {e: c or e for e, c in self._column_of("canonical_id", ids).items()}

    def _members_of(self, roots: set[str]) -> set[str]:
        members = set(roots)
        for chunk in chunks(list(roots)):
            members.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM entities WHERE canonical_id IN ({marks(chunk)})", chunk))
        return members

    def _chain_ends(self, ids: set[str]) -> dict[str, str]:
        """Each entity's canonical entity from the stored direct links; a cycle ends where it closes."""
        links = self._column_of("link_to", ids)
        ends = {}
        for start in ids:
            entity, seen = start, {start}
            while True:
                if entity not in links:
                    links.update(self._column_of("link_to", [entity]))
                target = links.get(entity)
                if target is None or target in seen:
                    break
                entity = target
                seen.add(entity)
            ends[start] = entity
        return ends

    def _update_counts(self, regrouped: set[str]) -> None:
        """Mention and document counts: recounted for canonical entities whose members changed, and
        for the others raised by the mentions in documents not yet counted; all recounted when
        either set is large. Documents are marked counted in the same transaction, so running this
        twice counts nothing twice."""
        uncounted = self.pending("uncounted")
        if len(regrouped) + len(uncounted) > self.settings["limits"]["recount_all_from"]:
            self._recount_all()
        else:
            for root in regrouped:
                self.conn.execute("DELETE FROM entity_counts WHERE entity_id = ?", (root,))
                self.conn.execute(
                    "INSERT INTO entity_counts SELECT ?, count(*), count(DISTINCT m.document_id) FROM mentions m "
                    "WHERE m.entity_id IN (SELECT id FROM entities WHERE canonical_id = ? OR "
                    "(id = ? AND canonical_id IS NULL)) HAVING count(*) > 0", (root, root, root))
            for chunk in chunks(uncounted):
                added = [(r[0], r[1], r[2]) for r in self.conn.execute(
                    "SELECT e.canonical_id, count(*), count(DISTINCT m.document_id) FROM mentions m "
                    f"JOIN resolved_entities e ON e.id = m.entity_id WHERE m.document_id IN ({marks(chunk)}) "
                    "GROUP BY e.canonical_id", chunk) if r[0] not in regrouped]
                self.conn.executemany(
                    "INSERT INTO entity_counts VALUES (?, ?, ?) ON CONFLICT (entity_id) DO UPDATE SET "
                    "mentions = entity_counts.mentions + excluded.mentions, "
                    "documents = entity_counts.documents + excluded.documents", added)
        self.clear_pending("uncounted", uncounted)

    def _recount_all(self) -> None:
        self.conn.execute("DELETE FROM entity_counts")
        self.conn.execute(
            "INSERT INTO entity_counts SELECT e.canonical_id, count(*), count(DISTINCT m.document_id) "
            "FROM mentions m JOIN resolved_entities e ON e.id = m.entity_id GROUP BY e.canonical_id")

    def pending(self, kind: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT item FROM pending WHERE kind = ? ORDER BY item", (kind,))]

    def replace_story_groups(self, story: str, groups: Iterable[Group]) -> int:
        """Swaps one story's groups for new ones; call inside a transaction."""
        old = [r[0] for r in self.conn.execute("SELECT id FROM groups WHERE story = ?", (story,))]
        for chunk in chunks(old):
            for table in GROUP_TABLES:
                key = "id" if table == "groups" else "group_id"
                self.conn.execute(f"DELETE FROM {table} WHERE {key} IN ({marks(chunk)})", chunk)
        count = 0
        relations = []
        for g in groups:
            self.conn.execute("INSERT INTO groups VALUES (?, ?, ?, ?, ?, ?)",
                              (g.id, g.label, g.category, g.status, g.note, story))
            self.conn.executemany("INSERT INTO group_members VALUES (?, ?)", [(g.id, q) for q in g.quantities])
            self.conn.executemany(
                "INSERT INTO group_originators VALUES (?, ?, (SELECT id FROM entities WHERE id = ?))",
                [(g.id, o, o) for o in g.originators])
            self.conn.executemany("INSERT INTO group_outlets VALUES (?, ?)", [(g.id, o) for o in g.outlets])
            relations += [(g.id, r) for r in g.related]
            count += 1
        self.conn.executemany("INSERT INTO group_relations VALUES (?, ?)", relations)
        return count

    def clear_pending(self, kind: str, items: Iterable[str]) -> None:
        """Call inside the transaction that did the pending work."""
        self.conn.executemany("DELETE FROM pending WHERE kind = ? AND item = ?", [(kind, i) for i in items])

    # -- reading -----------------------------------------------------------------------------

    def rows(self, sql: str, params: tuple = ()) -> Iterator[sqlite3.Row]:
        """The query's rows, read as they are consumed."""
        if self.postgres:
            return self.conn.stream(sql, params)
        return iter(self.conn.execute(sql, params))

    def search(self, kind: str, words: list[str], limit: int, offset: int = 0,
               phrases: tuple[str, ...] = ()) -> tuple[int, list[dict]]:
        """(number of hits, one page of hits) for documents, quotes or claims containing all the words, or
        any of the `phrases` (other spellings of a name); each hit has a `snippet` with
        \\x02...\\x03 around the matches. No query syntax is obeyed."""
        if kind not in ("documents", "quotes", "claims"):
            raise ValueError(kind)
        if not words:
            return 0, []
        if self.postgres:
            count_sql, page_sql = store_postgres.search_sql(kind, len(phrases))
            text = " ".join(words)
            total = self.conn.execute(count_sql, (text, *phrases)).fetchone()[0]
            return total, [dict(r) for r in self.conn.execute(page_sql, (text, *phrases, limit, offset))]
        query = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        if phrases:
            query = " OR ".join([f"({query})", *('"' + p.replace('"', '""') + '"' for p in phrases)])
        if kind == "documents":
            total = self.conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?",
                                      (query,)).fetchone()[0]
            page = self.rows(
                "SELECT d.id, d.source, d.title, snippet(documents_fts, 1, char(2), char(3), '…', 16) AS snippet "
                "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid WHERE documents_fts MATCH ? "
                "ORDER BY rank LIMIT ? OFFSET ?", (query, limit, offset))
        elif kind == "claims":
            total = self.conn.execute("SELECT count(*) FROM claims_fts WHERE claims_fts MATCH ?",
                                      (query,)).fetchone()[0]
            page = self.rows(
                "SELECT c.id, c.document_id AS document, c.source_text AS source, c.cue, c.kind, "
                "snippet(claims_fts, 0, char(2), char(3), '…', 16) AS snippet FROM claims_fts "
                "JOIN claims c ON c.rowid = claims_fts.rowid WHERE claims_fts MATCH ? ORDER BY rank "
                "LIMIT ? OFFSET ?", (query, limit, offset))
        else:
            total = self.conn.execute("SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH ?",
                                      (query,)).fetchone()[0]
            page = self.rows(
                "SELECT q.id, q.document_id AS document, q.speaker_text AS speaker, "
                "snippet(quotes_fts, 0, char(2), char(3), '…', 16) AS snippet FROM quotes_fts "
                "JOIN quotes q ON q.rowid = quotes_fts.rowid WHERE quotes_fts MATCH ? ORDER BY rank "
                "LIMIT ? OFFSET ?", (query, limit, offset))
        return total, [dict(r) for r in page]

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ValueError(table)
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def named_story_id(name: str) -> str:
    """The id of a story a user named: the name itself, marked so that it never equals a document id."""
    return f"story:{name}"


def is_named_story(story: str) -> bool:
    return story.startswith("story:")


def chunks(items: list, size: int = 500) -> Iterator[list]:
    """Slices small enough for an SQL IN (...) list."""
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def dots_with_centroids(terms: int) -> str:
    """The query of each story's dot product with a vector of this many (term, weight) parameters,
    over the stories sharing a word with it (read from `story_centroids_by_term` alone)."""
    rows = ", ".join(["(?, ?)"] * terms)
    return (f"WITH doc (term, weight) AS (VALUES {rows}) SELECT c.story, sum(c.weight * doc.weight) "
            "FROM doc JOIN story_centroids c ON c.term = doc.term GROUP BY c.story")


def words_text(terms: frozenset[str]) -> str:
    """A claim's words as `claim_words` keeps them (read back with `split()`)."""
    return " ".join(sorted(terms))


def marks(chunk: list) -> str:
    return ", ".join("?" * len(chunk))


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when the block raises. Inside another transaction of
    the same ledger (a build writing a batch of documents), a savepoint: the block is still all or
    nothing, and is committed with the outer one."""

    def __init__(self, ledger: "Ledger"):
        self.ledger = ledger

    def __enter__(self):
        ledger = self.ledger
        ledger._depth += 1
        if ledger._depth == 1:
            ledger.conn.execute("BEGIN IMMEDIATE")
        else:
            ledger.conn.execute(f"SAVEPOINT claimledger_{ledger._depth}")
        return ledger.conn

    def __exit__(self, exc_type, exc, tb):
        ledger = self.ledger
        depth, ledger._depth = ledger._depth, ledger._depth - 1
        if depth == 1:
            ledger.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        else:
            if exc_type:
                ledger.conn.execute(f"ROLLBACK TO SAVEPOINT claimledger_{depth}")
            ledger.conn.execute(f"RELEASE SAVEPOINT claimledger_{depth}")
        return False


__all__ = ["Ledger", "SCHEMA_VERSION", "TABLES", "database_errors"]
