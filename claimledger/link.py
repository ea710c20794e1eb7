"""Link: one canonical entity across documents for names spelled differently.

Within a document, short forms already point at their full name (`extract.entities`). Across
documents, ids already agree where names differ only in case, dots or hyphens (Kim Jong-un = Kim
Jong Un). This step links the rest: near-identical spellings of the same type (Zelensky =
Zelenskyy, rapidfuzz ratio over `[link] name_similarity`), a lone surname to the one full name in
the ledger that ends with it, and an acronym to the one organisation whose initials it spells.
Merges and splits that a reviewer made are applied last, so they outlive every rebuild.

The step is incremental: it redoes only the blocks (names of one type whose last word opens alike)
of the entities that pending documents mention, acronyms spelling their initials, and entities a
reviewer merged or split; a full relink is the same step with every document pending. It holds one
small row per entity of those blocks (id, name, type, mention count), never any document text.
"""
from __future__ import annotations

from typing import Iterator, Optional

from rapidfuzz import fuzz

from .extract.blocking import components
from .extract.entities import name_key
from .review import entity_overrides
from .settings import load_settings
from .store import Ledger, chunks, marks

ENTITY_ROW = ("SELECT e.id, e.name, e.type, e.initials, (SELECT count(*) FROM mentions m "
              "WHERE m.entity_id = e.id) AS n FROM entities e ")


def touched_entities(ledger: Ledger) -> set[str]:
    """Entities that pending documents mention: their counts, and perhaps their links, change."""
    return {r[0] for r in ledger.rows(
        "SELECT DISTINCT entity_id FROM mentions WHERE document_id IN "
        "(SELECT item FROM pending WHERE kind = 'document')")}


def dirty_blocks(ledger: Ledger, entity_ids: set[str]) -> set[tuple[str, str]]:
    """(type, block) of the given entities, and of acronyms that spell their initials."""
    blocks: set[tuple[str, str]] = set()
    spelled: set[tuple[str, str]] = set()
    for chunk in chunks(sorted(entity_ids)):
        for r in ledger.rows(f"SELECT type, block, initials FROM entities WHERE id IN ({marks(chunk)})", tuple(chunk)):
            blocks.add((r["type"], r["block"]))
            if r["initials"]:
                spelled.add((r["type"], r["initials"]))
    for type_, letters in spelled:
        blocks.update((r[0], r[1]) for r in ledger.rows(
            "SELECT type, block FROM entities WHERE type = ? AND replace(name, '.', '') = ?", (type_, letters)))
    return blocks


def plan_links(ledger: Ledger, blocks: set[tuple[str, str]],
               overrides: dict[str, Optional[str]]) -> dict[str, Optional[str]]:
    """The direct link (or None) of every entity in the blocks: near spellings and surnames within
    the block, acronyms to the one organisation of their initials, then the reviewers' choices."""
    table = load_settings()["link"]
    direct: dict[str, Optional[str]] = {}
    for type_, block in sorted(blocks):
        members = [dict(r) for r in ledger.rows(ENTITY_ROW + "WHERE e.type = ? AND e.block = ?", (type_, block))]
        links = dict(_near_spellings(members, table["name_similarity"], table["min_name_chars"]))
        links.update(_acronyms(ledger, members))
        for e in members:
            direct[e["id"]] = links.get(e["id"])
    for entity_id, target in overrides.items():
        if entity_id not in direct:
            continue
        if target is None:
            direct[entity_id] = None
        elif target != entity_id:
            direct[entity_id] = target
    return direct


def _near_spellings(block: list[dict], threshold: float, min_chars: int) -> Iterator[tuple[str, str]]:
    """Links within one block: near-identical spellings to their cluster's canonical name, then lone
    surnames to the one full name they end."""
    canonical = _spelling_clusters(block, threshold, min_chars)
    for e in block:
        if canonical[e["id"]] != e["id"]:
            yield e["id"], canonical[e["id"]]
    for e in block:
        target = _full_name_of_surname(e, block, canonical, threshold)
        if target:
            yield e["id"], target


def _spelling_clusters(members: list[dict], threshold: float, min_chars: int) -> dict[str, str]:
    """Each entity's canonical id among names with as many words and near-identical spelling."""
    by_id = {e["id"]: e for e in members}
    near = [(a["id"], b["id"]) for i, a in enumerate(members) for b in members[i + 1:]
            if near_spelling(a["name"], b["name"], threshold, min_chars)]
    canonical = {}
    for ids in components(by_id, near):
        cluster = [by_id[i] for i in ids]
        best = max(cluster, key=lambda e: (e["n"], len(e["name"]), e["name"]))
        for e in cluster:
            canonical[e["id"]] = best["id"]
    return canonical


def near_spelling(a: str, b: str, threshold: float, min_chars: int) -> bool:
    ka, kb = name_key(a), name_key(b)
    return (len(ka.split()) == len(kb.split()) and min(len(ka), len(kb)) >= min_chars
            and fuzz.ratio(ka, kb) >= threshold)


def _full_name_of_surname(entity: dict, members: list[dict], canonical: dict[str, str],
                          threshold: float) -> str | None:
    """A lone surname ("Zelenskyy") links to the one full name in the ledger it ends, if only one."""
    words = name_key(entity["name"]).split()
    if entity["type"] != "PERSON" or len(words) != 1 or len(words[0]) < 4:
        return None
    targets = {canonical[m["id"]] for m in members if len(name_key(m["name"]).split()) > 1
               and fuzz.ratio(words[0], name_key(m["name"]).split()[-1]) >= threshold}
    return targets.pop() if len(targets) == 1 else None


def _acronyms(ledger: Ledger, members: list[dict]) -> Iterator[tuple[str, str]]:
    for e in members:
        # "U.S." and "US" share one id, and either spelling may be the one stored first: compare the
        # letters, so that the link does not depend on which document came first
        name = e["name"].replace(".", "")
        if name.isupper() and 2 <= len(name) <= 8:
            spelled = [r[0] for r in ledger.rows("SELECT id FROM entities WHERE type = ? AND initials = ? LIMIT 2",
                                                 (e["type"], name))]
            if len(spelled) == 1:
                yield e["id"], spelled[0]


def relink(ledger: Ledger) -> int:
    """Relinks what pending documents and reviews touch; returns how many entities moved."""
    touched = touched_entities(ledger)
    overrides = entity_overrides(ledger)
    blocks = dirty_blocks(ledger, touched | set(overrides))
    return ledger.set_links(plan_links(ledger, blocks, overrides))
