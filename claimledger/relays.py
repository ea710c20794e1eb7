"""Relays: one claim carried by several outlets, read from the ledger.

The store files each claim under the first claim of nearly the same content (`claims.claim_key`,
found through MinHash LSH buckets of its words, `Ledger._file_claim`); here the claims of one key
are split by who says them (the canonical entity, else the words naming the source), so two
outlets relaying one statement by one person meet, and the same words from another source, or
another statement by the same person, do not. Reading is by key, through an index: no claim is
compared with every other.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Optional

from .extract.entities import name_key
from .store import Ledger, chunks, marks

CLAIMS = """
SELECT c.id, c.document_id AS document, c."start", c."end", c.surface, c.kind, c.cue, c.claim_key,
       coalesce(e.name, c.source_text) AS source, e.canonical_id AS source_id, c.source_text,
       d.outlet, d.url, d.source AS document_source, d.title, d.published
FROM claims c JOIN documents d ON d.id = c.document_id
LEFT JOIN resolved_entities e ON e.id = c.source_entity_id
"""


def source_key(source_id: Optional[str], source_text: Optional[str]) -> Optional[str]:
    """Who says a claim, for matching: the canonical entity, else the words naming the source."""
    if source_id:
        return source_id
    key = name_key(source_text) if source_text else ""
    return f"text:{key}" if key else None


def relay_key(claim) -> Optional[tuple[str, str]]:
    """(source, claim key) of a claim read with `CLAIMS`: the claims sharing it are one statement by one source."""
    source = source_key(claim["source_id"], claim["source_text"])
    return (source, claim["claim_key"]) if source and claim["claim_key"] else None


def carriers(ledger: Ledger, claims: Iterable[dict], outlet_of, limit: int) -> None:
    """Sets each claim's `carried_by`: up to `limit` other outlets (`outlet_of(row)` names one) whose
    documents carry the same claim, each {"outlet", "document"}, and `carried_more`: how many
    more. One indexed read per 500 keys."""
    claims = list(claims)
    keys = sorted({c["claim_key"] for c in claims if relay_key(c)})
    found: dict[tuple, list[dict]] = defaultdict(list)
    for chunk in chunks(keys):
        for r in ledger.rows(CLAIMS + f" WHERE c.claim_key IN ({marks(chunk)}) ORDER BY "
                             "coalesce(d.published, ''), d.source, c.id", tuple(chunk)):
            row = dict(r)
            key = relay_key(row)
            if key:
                found[key].append(row)
    for c in claims:
        outlets: dict[str, str] = {}
        own = outlet_of(c)
        for r in found.get(relay_key(c), ()):
            name = outlet_of(r)
            if r["document"] != c["document"] and name != own and name not in outlets:
                outlets[name] = r["document"]
        named = list(outlets.items())
        c["carried_by"] = [{"outlet": o, "document": d} for o, d in named[:limit]]
        c["carried_more"] = max(0, len(named) - limit)


def relayed(ledger: Ledger) -> list[dict]:
    """Every claim of the ledger once per statement and source: the first document's claim (by
    publication date), with `documents` (each carrying document: its outlet, source, title,
    published, claim id and cue: rows of `CLAIMS`), in the order read. Claims without a source
    stand alone."""
    statements: dict[tuple, dict] = {}
    for r in ledger.rows(CLAIMS + " ORDER BY coalesce(d.published, ''), d.source, c.\"start\", c.id"):
        key = relay_key(r) or ("claim", r["id"])
        entry = statements.get(key)
        if entry is None:
            entry = statements[key] = {**dict(r), "documents": []}
        entry["documents"].append(r)
    return list(statements.values())


__all__ = ["CLAIMS", "carriers", "relayed", "relay_key", "source_key"]
