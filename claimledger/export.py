"""Export: the ledger as JSON (the format `../shared/eval/score.py` reads), JSON lines or CSV.

Everything is streamed from the store row by row, so an export never holds the ledger in memory.
"""
from __future__ import annotations

import csv
import json
from typing import IO, Iterator, Optional

from .errors import UsageError
from .review import Reviews
from .store import Ledger

FORMATS = ("json", "jsonl", "csv", "claims-csv")

# An entity column as its canonical entity (see `link`).
CANONICAL = "(SELECT canonical_id FROM resolved_entities WHERE id = {0})"

SECTIONS = {
    "documents": "SELECT id, source, text, published, outlet, title, url, raw_sha256 FROM documents ORDER BY source, id",
    "entities": "SELECT e.id, e.name, e.type, (SELECT json_group_array(DISTINCT a.alias) FROM aliases a "
                "JOIN resolved_entities m ON m.id = a.entity_id WHERE m.canonical_id = e.id "
                "AND a.alias != e.name) AS aliases FROM entities e WHERE e.canonical_id IS NULL "
                "ORDER BY e.name, e.id",
    "mentions": f'SELECT {CANONICAL.format("entity_id")} AS entity, document_id AS document, "start", "end", '
                'surface FROM mentions ORDER BY document_id, "start"',
    "quantities": 'SELECT id, document_id AS document, "start", "end", surface, low, high, qualifier, vague, '
                  f"unit, counted, category, {CANONICAL.format('source_entity_id')} AS source, source_text, "
                  'as_of FROM quantities ORDER BY document_id, "start"',
    "quotes": 'SELECT id, document_id AS document, "start", "end", surface, '
              f"{CANONICAL.format('speaker_entity_id')} AS speaker, speaker_text "
              'FROM quotes ORDER BY document_id, "start"',
    "claims": 'SELECT id, document_id AS document, "start", "end", surface, '
              f"{CANONICAL.format('source_entity_id')} AS source, source_text, cue, cue_start, cue_end, kind, "
              'claim_key FROM claims ORDER BY document_id, "start", id',
    "citations": f'SELECT document_id AS document, cited, {CANONICAL.format("entity_id")} AS entity, '
                 '"start", "end", surface, kind FROM citations ORDER BY document_id, "start"',
    "groups": "SELECT g.id, g.label, g.category, g.status, g.note, "
              "(SELECT json_group_array(quantity_id) FROM group_members WHERE group_id = g.id) AS quantities, "
              "(SELECT json_group_array(CASE WHEN entity_id IS NOT NULL THEN originator "  # no entity: its words
              "WHEN originator LIKE 'text:%' THEN substr(originator, 6) "
              "WHEN originator LIKE 'someone:%' THEN substr(originator, 9) ELSE originator END) "
              "FROM group_originators WHERE group_id = g.id) AS originators, "
              "(SELECT json_group_array(outlet) FROM group_outlets WHERE group_id = g.id) AS outlets, "
              "(SELECT json_group_array(related_id) FROM group_relations WHERE group_id = g.id) AS related "
              "FROM groups g ORDER BY g.label, g.id",
    "near_copies": "SELECT document_a, document_b, similarity FROM near_copies ORDER BY document_a, document_b",
    "citation_graph": "SELECT document, target, entity, kind FROM citation_graph ORDER BY document, kind, target",
    "reviews": "SELECT item_kind, item_id, action, field, value, reviewer, reason, created FROM reviews "
               "ORDER BY created, id",
}
JSON_COLUMNS = {"aliases", "quantities", "originators", "outlets", "related"}

CSV_COLUMNS = ["low", "high", "qualifier", "unit", "counted", "category", "source", "outlet", "as_of",
               "published", "span_text", "document", "start", "end", "quantity_id", "review"]
CSV_QUERY = """
SELECT q.low, q.high, q.qualifier, q.unit, q.counted, q.category,
       coalesce(e.name, q.source_text) AS source, d.outlet, q.as_of, d.published,
       q.surface AS span_text, d.source AS document, q."start", q."end", q.id AS quantity_id
FROM quantities q JOIN documents d ON d.id = q.document_id
LEFT JOIN resolved_entities e ON e.id = q.source_entity_id
ORDER BY d.source, q."start"
"""


REVIEWED = {"quantities": "quantity", "quotes": "quote"}


def records(ledger: Ledger, section: str, reviews: Optional[Reviews] = None) -> Iterator[dict]:
    """The section's items as reviewed: rejected items left out, corrections applied, `review` set."""
    reviews = reviews or Reviews(ledger)
    for row in ledger.rows(SECTIONS[section]):
        item = dict(row)
        if section in REVIEWED:
            item = reviews.apply(REVIEWED[section], item)
            if item is None:
                continue
        for column in JSON_COLUMNS & item.keys():
            value = item[column]
            item[column] = sorted(json.loads(value) if isinstance(value, str) else value or [])
        if "vague" in item:
            item["vague"] = bool(item["vague"])
        yield item


def write_json(ledger: Ledger, out: IO[str]) -> None:
    reviews = Reviews(ledger)
    out.write("{")
    for n, section in enumerate(SECTIONS):
        out.write(f'{"," if n else ""}\n "{section}": [')
        for i, item in enumerate(records(ledger, section, reviews)):
            out.write(("," if i else "") + "\n  " + json.dumps(item, ensure_ascii=False))
        out.write("\n ]")
    out.write("\n}\n")


def write_jsonl(ledger: Ledger, out: IO[str]) -> None:
    reviews = Reviews(ledger)
    for section in SECTIONS:
        for item in records(ledger, section, reviews):
            out.write(json.dumps({"record": section, **item}, ensure_ascii=False) + "\n")


def write_csv(ledger: Ledger, out: IO[str]) -> None:
    reviews = Reviews(ledger)
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in ledger.rows(CSV_QUERY):
        item = reviews.apply("quantity", {**dict(row), "id": row["quantity_id"]})
        if item is None:
            continue
        if "source_text" in item:
            item["source"] = item["source_text"]
        writer.writerow([item[c] for c in CSV_COLUMNS])


CLAIMS_CSV_COLUMNS = ["kind", "source", "cue", "content", "outlet", "published", "document", "start", "end",
                      "claim_id", "claim_key"]
CLAIMS_CSV_QUERY = """
SELECT c.kind, coalesce(e.name, c.source_text) AS source, c.cue, c.surface AS content, d.outlet, d.published,
       d.source AS document, c."start", c."end", c.id AS claim_id, c.claim_key
FROM claims c JOIN documents d ON d.id = c.document_id
LEFT JOIN resolved_entities e ON e.id = c.source_entity_id
ORDER BY d.source, c."start", c.id
"""


def write_claims_csv(ledger: Ledger, out: IO[str]) -> None:
    """One row per claim: who says what, by which cue, in which document."""
    writer = csv.writer(out)
    writer.writerow(CLAIMS_CSV_COLUMNS)
    for row in ledger.rows(CLAIMS_CSV_QUERY):
        writer.writerow([row[c] for c in CLAIMS_CSV_COLUMNS])


def export(ledger: Ledger, fmt: str, out: IO[str]) -> None:
    writers = {"json": write_json, "jsonl": write_jsonl, "csv": write_csv, "claims-csv": write_claims_csv}
    if fmt not in writers:
        raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    writers[fmt](ledger, out)
