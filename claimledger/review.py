"""Review: people's confirmations, rejections and corrections, kept apart from machine output.

Every review is a row in `reviews` with who, when and why. Items are named by their ids, which are
content hashes (document text and span), so a review finds its item again after any rebuild of the
same article. Builds never touch this table. Reading code asks `Reviews` for an item's state and
its corrected fields; `apply_entity_reviews` re-applies merges and splits after each relinking.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

from .errors import UsageError
from .models import make_id
from .store import Ledger

KINDS = {"quantity": "quantities", "quote": "quotes", "entity": "entities"}
ACTIONS = ("confirm", "reject", "correct", "merge", "split")
CORRECTABLE = {"quantity": {"low", "high", "category", "source_text"}, "quote": {"speaker_text"},
               "entity": {"name"}}


@dataclass(frozen=True)
class Review:
    id: str
    item_kind: str
    item_id: str
    action: str
    field: Optional[str]
    value: Optional[str]
    reviewer: str
    reason: str
    created: float


def add_review(ledger: Ledger, item_kind: str, item_id: str, action: str, reviewer: str, reason: str = "",
               field: Optional[str] = None, value: Optional[str] = None) -> Review:
    """Checks and stores one review; merges and splits relink entities at once."""
    if item_kind not in KINDS:
        raise UsageError(f"cannot review a {item_kind!r}; choose one of {', '.join(KINDS)}")
    if action not in ACTIONS:
        raise UsageError(f"unknown review action {action!r}; choose one of {', '.join(ACTIONS)}")
    table = KINDS[item_kind]
    if next(ledger.rows(f"SELECT count(*) FROM {table} WHERE id = ?", (item_id,)))[0] == 0:
        raise UsageError(f"no {item_kind} with id {item_id!r} in this ledger")
    if action == "correct" and field not in CORRECTABLE[item_kind]:
        raise UsageError(f"a {item_kind} correction names a field: {', '.join(sorted(CORRECTABLE[item_kind]))}")
    if action in ("merge", "split") and item_kind != "entity":
        raise UsageError("only entities are merged or split")
    if action == "merge" and next(ledger.rows("SELECT count(*) FROM entities WHERE id = ?", (value,)))[0] == 0:
        raise UsageError(f"cannot merge into {value!r}: no such entity")
    if not reviewer.strip():
        raise UsageError("a review names its reviewer")
    created = time.time()
    review = Review(make_id("review", item_kind, item_id, action, field, value, reviewer, created),
                    item_kind, item_id, action, field if action == "correct" else None,
                    value if action in ("correct", "merge") else None, reviewer.strip(), reason.strip(), created)
    with ledger.transaction():
        ledger.conn.execute("INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (review.id, review.item_kind, review.item_id, review.action, review.field,
                             review.value, review.reviewer, review.reason, review.created))
    if item_kind == "entity":
        from .group import regroup
        from .link import relink

        relink(ledger)
        regroup(ledger)
    return review


class Reviews:
    """The reviewed state of every item, read once from the ledger."""

    def __init__(self, ledger: Ledger):
        self.trail: dict[tuple[str, str], list[Review]] = defaultdict(list)
        for r in ledger.rows("SELECT * FROM reviews ORDER BY created, id"):
            self.trail[(r["item_kind"], r["item_id"])].append(Review(**dict(r)))

    def state(self, kind: str, item_id: str) -> Optional[str]:
        """confirmed, rejected or corrected (the latest verdict), or None when nobody reviewed it."""
        verdict = None
        for r in self.trail.get((kind, item_id), []):
            verdict = {"confirm": "confirmed", "reject": "rejected", "correct": "corrected"}.get(r.action, verdict)
        return verdict

    def corrections(self, kind: str, item_id: str) -> dict[str, str]:
        fields = {}
        for r in self.trail.get((kind, item_id), []):
            if r.action == "correct":
                fields[r.field] = r.value
            elif r.action == "reject":
                fields.clear()
        return fields

    def apply(self, kind: str, item: dict) -> Optional[dict]:
        """The item as reviewed: None when rejected, corrected fields applied, its state added."""
        state = self.state(kind, item["id"])
        if state == "rejected":
            return None
        for field, value in self.corrections(kind, item["id"]).items():
            key = {"source_text": "source_text", "speaker_text": "speaker_text"}.get(field, field)
            if key in ("low", "high"):
                item[key] = float(value) if value not in ("", None) else None
            else:
                item[key] = value
        item["review"] = state
        return item


def entity_overrides(ledger: Ledger) -> dict[str, Optional[str]]:
    """entity id → the canonical entity a reviewer chose (None: a split, the entity stands alone)."""
    chosen: dict[str, Optional[str]] = {}
    for r in ledger.rows("SELECT item_id, action, value FROM reviews WHERE item_kind = 'entity' "
                         "AND action IN ('merge', 'split') ORDER BY created, id"):
        chosen[r["item_id"]] = r["value"] if r["action"] == "merge" else None
    return chosen


def pending(ledger: Ledger, limit: int = 50) -> list[dict]:
    """Figures nobody has reviewed yet, in document order."""
    return [dict(r) for r in ledger.rows(
        "SELECT q.id, q.surface, q.category, q.source_text, d.source FROM quantities q "
        "JOIN documents d ON d.id = q.document_id WHERE NOT EXISTS "
        "(SELECT 1 FROM reviews r WHERE r.item_kind = 'quantity' AND r.item_id = q.id) "
        "ORDER BY d.source, q.\"start\" LIMIT ?", (limit,))]
