"""Link: one canonical entity across documents for names spelled differently.

Within a document, short forms already point at their full name (`extract.entities`). Across
documents, ids already agree where names differ only in case, dots or hyphens (Kim Jong-un = Kim
Jong Un). This step links the rest: near-identical spellings of the same type (Zelensky =
Zelenskyy, rapidfuzz ratio over `[link] name_similarity`), a lone surname to the one full name in
the ledger that ends with it, and an acronym to the one organisation whose initials it spells.
Merges and splits that a reviewer made are applied last, so they outlive every rebuild.
Names are compared only within blocks that share the last word's opening letters; the step holds
one small row per entity (id, name, type, mention count), never any document text.
"""
from __future__ import annotations

from itertools import groupby
from typing import Iterator

from rapidfuzz import fuzz

from .extract.entities import initials, name_key
from .review import entity_overrides
from .settings import load_settings
from .store import Ledger


def block_key(name: str) -> str:
    words = name_key(name).split()
    return words[-1][:3] if words else ""


def plan_links(ledger: Ledger) -> Iterator[tuple[str, str]]:
    """(entity id, canonical entity id) for every entity that is not its own canonical form."""
    table = load_settings()["link"]
    rows = [dict(r) for r in ledger.rows(
        "SELECT e.id, e.name, e.type, (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS n "
        "FROM entities e ORDER BY e.type")]
    links: dict[str, str] = {}
    for _, typed in groupby(rows, key=lambda r: r["type"]):
        typed = list(typed)
        links.update(_near_spellings(typed, table["name_similarity"], table["min_name_chars"]))
        links.update(_acronyms(typed))
    for entity_id, target in entity_overrides(ledger).items():
        if target is None:
            links.pop(entity_id, None)
        elif target != entity_id:
            links[entity_id] = target
    for entity_id in links:
        root = root_of(entity_id, links)
        if root != entity_id:
            yield entity_id, root


def root_of(entity_id: str, links: dict[str, str]) -> str:
    seen = {entity_id}
    while entity_id in links and links[entity_id] not in seen:
        entity_id = links[entity_id]
        seen.add(entity_id)
    return entity_id


def _near_spellings(entities: list[dict], threshold: float, min_chars: int) -> Iterator[tuple[str, str]]:
    blocks: dict[str, list[dict]] = {}
    for e in entities:
        blocks.setdefault(block_key(e["name"]), []).append(e)
    for members in blocks.values():
        canonical = _spelling_clusters(members, threshold, min_chars)
        for e in members:
            if canonical[e["id"]] != e["id"]:
                yield e["id"], canonical[e["id"]]
        for e in members:
            target = _full_name_of_surname(e, members, canonical, threshold)
            if target:
                yield e["id"], target


def _spelling_clusters(members: list[dict], threshold: float, min_chars: int) -> dict[str, str]:
    """Each entity's canonical id among names with as many words and near-identical spelling."""
    parent = {e["id"]: e["id"] for e in members}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(members):
        for b in members[i + 1:]:
            if near_spelling(a["name"], b["name"], threshold, min_chars):
                parent[find(a["id"])] = find(b["id"])
    clusters: dict[str, list[dict]] = {}
    for e in members:
        clusters.setdefault(find(e["id"]), []).append(e)
    canonical = {}
    for cluster in clusters.values():
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


def _acronyms(entities: list[dict]) -> Iterator[tuple[str, str]]:
    by_initials: dict[str, list[dict]] = {}
    for e in entities:
        if len(e["name"].split()) > 1:
            by_initials.setdefault(initials(e["name"]), []).append(e)
    for e in entities:
        name = e["name"]
        if name.isupper() and 2 <= len(name) <= 8 and len(by_initials.get(name, [])) == 1:
            yield e["id"], by_initials[name][0]["id"]


def relink(ledger: Ledger) -> int:
    return ledger.replace_links(plan_links(ledger))
