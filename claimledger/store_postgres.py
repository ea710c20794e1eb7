"""The store on PostgreSQL: `--db postgresql://...` gives several analysts one shared ledger.

The ledger's tables, views and statements are the SQLite ones (`store`), carried over by the few
rewrites below, so both backends hold the same rows and give the same export: `?` placeholders,
`INSERT OR IGNORE` / `OR REPLACE`, SQLite's JSON and string aggregates, `rowid` (a `seq` column
here). Text sorts byte-wise (`COLLATE "C"`) as in SQLite. Full-text search uses generated tsvector
columns with GIN indexes instead of FTS5 tables. Writers take one advisory lock per transaction, the
counterpart of SQLite's `BEGIN IMMEDIATE`, so builds running at once file documents one at a time
while readers go on reading.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any, Iterable, Iterator

from .errors import LedgerError

URL = re.compile(r"^postgres(?:ql)?://")
WRITER_LOCK = 7_331_001  # the advisory lock every writing transaction holds

# A conflict target for each table written with INSERT OR REPLACE.
REPLACE_TARGETS = {
    "near_copies": "(document_a, document_b) DO UPDATE SET similarity = EXCLUDED.similarity",
    "meta": "(key) DO UPDATE SET value = EXCLUDED.value",
}
FTS_COLUMNS = {
    "documents": "to_tsvector('english', coalesce(title, '') || ' ' || text)",
    "quotes": "to_tsvector('english', surface || ' ' || coalesce(speaker_text, ''))",
    "claims": "to_tsvector('english', surface || ' ' || coalesce(source_text, ''))",
}


def is_postgres(location: str) -> bool:
    return bool(URL.match(location))


def schema(sqlite_schema: str) -> list[str]:
    """The SQLite schema as PostgreSQL statements."""
    statements = []
    for statement in sqlite_schema.split(";"):
        statement = statement.strip()
        if not statement or "VIRTUAL TABLE" in statement:
            continue
        statement = statement.replace("CREATE VIEW IF NOT EXISTS", "CREATE OR REPLACE VIEW")
        statement = re.sub(r"\bINTEGER\b", "BIGINT", statement)
        statement = re.sub(r"\bREAL\b", "DOUBLE PRECISION", statement)
        statement = re.sub(r"\bBLOB\b", "BYTEA", statement)
        statement = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', statement)
        table = re.match(r"CREATE TABLE IF NOT EXISTS (\w+)", statement)
        if table and table.group(1) in FTS_COLUMNS:
            extra = f", tsv tsvector GENERATED ALWAYS AS ({FTS_COLUMNS[table.group(1)]}) STORED"
            if table.group(1) == "documents":
                extra += ", seq BIGSERIAL UNIQUE"
            statement = statement[:statement.rindex(")")] + extra + ")"
        statements.append(statement)
    statements += [f"CREATE INDEX IF NOT EXISTS {t}_tsv ON {t} USING GIN (tsv)" for t in FTS_COLUMNS]
    return statements


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """One of the store's SQLite statements as PostgreSQL."""
    sql = sql.replace("%", "%%").replace("?", "%s")
    sql = re.sub(r"\browid\b", "seq", sql)
    sql = sql.replace("json_group_array(", "json_agg(")
    sql = re.sub(r"group_concat\((DISTINCT )?([\w.]+)\)", r"string_agg(\1\2, ',')", sql)
    ignore = re.match(r"\s*INSERT OR IGNORE INTO", sql)
    replace = re.match(r"\s*INSERT OR REPLACE INTO (\w+)", sql)
    if ignore:
        sql = sql.replace("INSERT OR IGNORE INTO", "INSERT INTO", 1) + " ON CONFLICT DO NOTHING"
    elif replace:
        sql = sql.replace("INSERT OR REPLACE INTO", "INSERT INTO", 1) + \
            f" ON CONFLICT {REPLACE_TARGETS[replace.group(1)]}"
    return sql


class Row(tuple):
    """A result row read by position or by column name, like sqlite3.Row."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key: Any):
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


def row_factory(cursor):
    names = tuple(c.name for c in cursor.description or ())
    kind = type("Row", (Row,), {"names": names})
    return lambda values: kind(values)


class Connection:
    """A psycopg connection that takes the store's SQLite statements."""

    def __init__(self, url: str, readonly: bool):
        try:
            import psycopg
        except ImportError as exc:
            raise LedgerError("a PostgreSQL ledger needs psycopg: pip install 'psycopg[binary]'") from exc
        try:
            self.raw = psycopg.connect(url, autocommit=True, row_factory=row_factory)
        except psycopg.Error as exc:
            raise LedgerError(f"cannot connect to the PostgreSQL ledger at {redacted(url)} "
                              f"({str(exc).strip().splitlines()[0]}); check the URL and that the server runs") from exc
        self.raw.adapters.register_loader("numeric", number_loader())
        self.cursors = itertools.count()
        if readonly:
            self.raw.execute("SET default_transaction_read_only = on")

    def execute(self, sql: str, params: Iterable = ()):
        cursor = self.raw.cursor()
        if sql.strip() == "BEGIN IMMEDIATE":
            cursor.execute("BEGIN")
            cursor.execute(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
            return cursor
        cursor.execute(translate(sql), tuple(params))
        return cursor

    def stream(self, sql: str, params: Iterable = (), batch: int = 2000) -> Iterator:
        """The rows of a query fetched a batch at a time through a server-side cursor, so a large
        result (every document of an export) never sits whole in this process."""
        cursor = self.raw.cursor(name=f"claimledger_{next(self.cursors)}", withhold=True)
        cursor.itersize = batch
        try:
            cursor.execute(translate(sql), tuple(params))
            yield from cursor
        finally:
            cursor.close()

    def executemany(self, sql: str, rows: Iterable[Iterable]):
        rows = [tuple(r) for r in rows]
        cursor = self.raw.cursor()
        if rows:
            cursor.executemany(translate(sql), rows)
        return cursor

    def close(self) -> None:
        self.raw.close()


def number_loader():
    """Loads PostgreSQL's numeric (what sum() of integers gives) as int or float, as SQLite gives."""
    from psycopg.types.numeric import NumericLoader

    class Loader(NumericLoader):
        def load(self, data):
            value = super().load(data)
            return int(value) if value == value.to_integral_value() else float(value)

    return Loader


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def table_names(conn: Connection) -> set[str]:
    return {r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}


def search_sql(kind: str, phrases: int = 0) -> tuple[str, str]:
    """(count, page) statements for full-text search of documents, quotes or claims, each taking the
    user's words once (plain words, no query syntax), then `phrases` phrases any of which also
    matches, hits marked with \\x02...\\x03 as in SQLite's snippets."""
    marks = "'StartSel=\u0002, StopSel=\u0003, MaxFragments=1, MaxWords=16, MinWords=8'"
    either = " || phraseto_tsquery('english', ?)" * phrases
    words = f"WITH w AS (SELECT plainto_tsquery('english', ?){either} AS query) "
    if kind == "documents":
        return (words + "SELECT count(*) FROM documents d, w WHERE d.tsv @@ w.query",
                words + "SELECT d.id, d.source, d.title, ts_headline('english', d.text, w.query, "
                f"{marks}) AS snippet FROM documents d, w WHERE d.tsv @@ w.query "
                "ORDER BY ts_rank(d.tsv, w.query) DESC, d.id LIMIT ? OFFSET ?")
    if kind == "claims":
        return (words + "SELECT count(*) FROM claims c, w WHERE c.tsv @@ w.query",
                words + "SELECT c.id, c.document_id AS document, c.source_text AS source, c.cue, c.kind, "
                f"ts_headline('english', c.surface, w.query, {marks}) AS snippet FROM claims c, w "
                "WHERE c.tsv @@ w.query ORDER BY ts_rank(c.tsv, w.query) DESC, c.id LIMIT ? OFFSET ?")
    return (words + "SELECT count(*) FROM quotes q, w WHERE q.tsv @@ w.query",
            words + "SELECT q.id, q.document_id AS document, q.speaker_text AS speaker, "
            f"ts_headline('english', q.surface, w.query, {marks}) AS snippet FROM quotes q, w "
            "WHERE q.tsv @@ w.query ORDER BY ts_rank(q.tsv, w.query) DESC, q.id LIMIT ? OFFSET ?")


__all__ = ["Connection", "is_postgres", "schema", "translate", "search_sql"]
