"""Group: figures from any documents that count the same thing, side by side for comparison.

A first, plain rule: conflict figures group by category (every estimate of troops deployed, of the
killed, ...); other figures by category and what they count. Runs after the documents are stored,
streaming the quantities in key order, so memory stays bounded whatever the ledger's size.
"""
from __future__ import annotations

from itertools import groupby
from typing import Iterator

from .models import Group, make_id
from .settings import load_settings
from .store import Ledger


def group_key(category: str, counted: str | None, conflict: set[str]) -> str:
    if category in conflict:
        return category
    return f"{category}: {(counted or '').lower()}"


def plan_groups(ledger: Ledger) -> Iterator[Group]:
    conflict = set(load_settings()["figures"]["conflict_categories"])
    rows = ledger.rows(
        "SELECT id, category, counted FROM quantities ORDER BY "
        "category, CASE WHEN category IN (%s) THEN '' ELSE lower(coalesce(counted, '')) END, id"
        % ",".join("?" * len(conflict)), tuple(sorted(conflict)))
    keyed = ((group_key(r["category"], r["counted"], conflict), r) for r in rows)
    for key, members in groupby(keyed, key=lambda kr: kr[0]):
        ids = tuple(r["id"] for _, r in members)
        category = key.split(":")[0]
        if category not in conflict and len(ids) < 2:
            continue
        yield Group(make_id("group", key), key, category, ids)


def regroup(ledger: Ledger) -> int:
    return ledger.replace_groups(plan_groups(ledger))
