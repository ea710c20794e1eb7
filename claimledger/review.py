"""Review: people's confirmations, rejections and corrections, kept apart from machine output.

Every review is a row in `reviews` with who, when and why. Items are named by their ids, which are
content hashes (document text and span), so a review finds its item again after any rebuild of the
same article. Builds never touch this table. Reading code asks `Reviews` for an item's state and
its corrected fields; `apply_entity_reviews` re-applies merges and splits after each relinking.
A correction is checked by its field when it is stored (`check_value`), and checked again when it is
applied: one that does not fit (stored by an older version, or by hand) is skipped with a warning,
so every export and report survives any row of `reviews`. `undo_review` removes one review.
"""
from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

from .errors import UsageError
from .models import make_id
from .settings import load_settings
from .store import Ledger

log = logging.getLogger(__name__)

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
    if action == "correct":
        value = check_value(field, value, known_categories(ledger))
    if action in ("merge", "split") and item_kind != "entity":
        raise UsageError("only entities are merged or split")
    if action == "merge" and next(ledger.rows("SELECT count(*) FROM entities WHERE id = ?", (value,)))[0] == 0:
        raise UsageError(f"cannot merge into {value!r}: no such entity")
    if not reviewer.strip():
        raise UsageError("a review names its reviewer")
    longest = load_settings()["review"]["max_text_chars"]
    if len(reviewer) > longest or len(reason) > longest:
        raise UsageError(f"a reviewer's name and reason are at most {longest} characters")
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


def check_value(field: str, value: Optional[str], categories: Optional[set[str]] = None) -> Optional[str]:
    """The corrected value as stored, or a UsageError saying what the field takes. `low` and `high`
    take a finite number (empty: no bound), `category` one of `categories` when given, the names a
    text of at most [review] max_text_chars (empty for the originator or speaker: nobody)."""
    value = (value or "").strip()
    if field in ("low", "high"):
        if not value:
            return None
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise UsageError(f"a {field} correction is a number (or empty), not {value[:40]!r}")
        return repr(number)
    longest = load_settings()["review"]["max_text_chars"]
    if not value and field in ("source_text", "speaker_text"):
        return None  # nobody: unattributed, speaker unknown
    if not value or len(value) > longest:
        raise UsageError(f"a {field} correction is a text of 1 to {longest} characters")
    if field == "category" and categories is not None and value not in categories:
        raise UsageError(f"category {value[:40]!r} is not one this ledger knows; choose one of "
                         f"{', '.join(sorted(categories))}")
    return value


def known_categories(ledger: Ledger) -> set[str]:
    """The conflict categories of the settings and every category the ledger's figures have."""
    return set(load_settings()["figures"]["conflict_categories"]) | {
        r[0] for r in ledger.rows("SELECT DISTINCT category FROM quantities")}


def undo_review(ledger: Ledger, review_id: str) -> Review:
    """Removes one review (`claimledger review --undo ID`); an entity's merge or split is undone by
    relinking the documents that mention it."""
    row = ledger.conn.execute("SELECT * FROM reviews WHERE id = ?", (review_id,)).fetchone()
    if row is None:
        raise UsageError(f"no review with id {review_id!r}; `claimledger review` lists them")
    review = Review(**dict(row))
    with ledger.transaction():
        ledger.conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
        if review.item_kind == "entity":
            ledger.conn.execute("INSERT OR IGNORE INTO pending SELECT DISTINCT 'document', document_id FROM mentions "
                                "WHERE entity_id IN (?, ?)", (review.item_id, review.value or review.item_id))
    if review.item_kind == "entity":
        from .group import regroup
        from .link import relink

        relink(ledger)
        regroup(ledger)
    return review


class Reviews:
    """The reviewed state of every item, read once from the ledger. A stored review that does not
    fit (unknown kind or action, a correction whose value its field does not take) is left out,
    with a warning naming it."""

    def __init__(self, ledger: Ledger):
        self.trail: dict[tuple[str, str], list[Review]] = defaultdict(list)
        self.skipped: list[str] = []
        for r in ledger.rows("SELECT * FROM reviews ORDER BY created, id"):
            review = Review(**dict(r))
            problem = unusable(review)
            if problem:
                self.skipped.append(review.id)
                log.warning("review %s of %s %s is skipped: %s; remove it with `claimledger review --undo %s`",
                            review.id, review.item_kind, review.item_id, problem, review.id)
                continue
            self.trail[(review.item_kind, review.item_id)].append(review)

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
                item[key] = float(value.replace(",", "")) if value not in ("", None) else None
            else:
                item[key] = value
        item["review"] = state
        return item


def unusable(review: Review) -> Optional[str]:
    """Why a stored review cannot be applied, or None."""
    if review.item_kind not in KINDS or review.action not in ACTIONS:
        return f"unknown {review.item_kind!r} {review.action!r}"
    if review.action != "correct":
        return None
    if review.field not in CORRECTABLE[review.item_kind]:
        return f"{review.field!r} is not a field a {review.item_kind} correction changes"
    try:
        check_value(review.field, review.value)
    except UsageError as exc:
        return exc.args[0]
    return None


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
