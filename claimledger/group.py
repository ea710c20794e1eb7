"""Group: figures from any documents that count the same thing, and whether their sources agree.

Figures group by story (documents that share their main entities), category, counted subject and
whether they are a total or an increment ("an additional 20,000" is not the deployed total). Each group gets a status from its originators: the
canonical entities (or, unlinked, the words) the figures are attributed to, however many outlets
relay them:

    corroborated    two or more originators, all within `agreement_tolerance` of each other
    conflicting     originators disagree beyond it (also across related groups: a casualties
                    figure against one originator's killed + wounded)
    evolving        one originator whose figure changed from one date to another
    single-source   one originator, however many outlets repeat it
    unattributed    only figures the reporters state themselves

Near-copies (wire copy, light rewrites) are found with MinHash LSH over word shingles; an outlet
whose text is a near-copy of another's is one outlet, not two. Grouping is by key, so it stays linear
in the number of figures; it holds one small row per figure (ids, values, originator), never text.
"""
from __future__ import annotations

import re
from collections import defaultdict
from itertools import groupby
from dataclasses import dataclass
from pathlib import PurePath
from typing import Iterable, Optional

import numpy as np

from .extract.attribution import names_someone
from .extract.entities import name_key
from .models import Group, make_id
from .settings import Settings, load_settings
from .store import Ledger

WORD = re.compile(r"\w+")
MINHASH_SCHEME = "affine32"  # stored signatures must be read back with the scheme that made them
INFINITY = float("inf")


# -- near-copies --------------------------------------------------------------------------------

def text_signature(text: str, settings: Optional[Settings] = None) -> bytes:
    """The MinHash signature of the text's word shingles, as bytes for the store."""
    from datasketch import MinHash

    table = (settings or load_settings())["group"]
    words = [w.lower() for w in WORD.findall(text)]
    n = table["shingle_words"]
    shingles = {" ".join(words[i:i + n]).encode("utf-8") for i in range(max(1, len(words) - n + 1))}
    signature = MinHash(num_perm=table["minhash_permutations"], seed=1, scheme=MINHASH_SCHEME)
    signature.update_batch(list(shingles))
    return signature.hashvalues.astype("<u8").tobytes()


def find_near_copies(ledger: Ledger) -> list[tuple[str, str, float]]:
    """(document, earlier near-copy, estimated Jaccard similarity). Documents are read in id order;
    each is paired with the first earlier representative it nearly copies, and only documents that
    copy nothing become representatives, so LSH buckets stay small however widely a wire story is
    syndicated, and the pairs stay linear in the number of documents."""
    from datasketch import MinHash, MinHashLSH

    table = load_settings()["group"]
    perms, threshold = table["minhash_permutations"], table["near_copy_jaccard"]
    lsh = MinHashLSH(threshold=threshold, num_perm=perms)
    representatives: dict[str, np.ndarray] = {}
    pairs = []
    for row in ledger.rows("SELECT id, minhash FROM documents WHERE minhash IS NOT NULL ORDER BY id"):
        values = np.frombuffer(row["minhash"], dtype="<u8")
        if len(values) != perms:
            continue
        signature = MinHash(num_perm=perms, hashvalues=values, scheme=MINHASH_SCHEME)
        best = max(((float(np.mean(values == representatives[other])), other) for other in lsh.query(signature)),
                   default=None)
        if best is not None and best[0] >= threshold:
            pairs.append((row["id"], best[1], best[0]))
            continue
        representatives[row["id"]] = values
        lsh.insert(row["id"], signature)
    return pairs


class Clusters:
    """Union-find over documents joined by near-copy pairs."""

    def __init__(self, pairs: Iterable[tuple[str, str, float]] = ()):
        self.parent: dict[str, str] = {}
        for a, b, _ in pairs:
            self.parent[self.find(a)] = self.find(b)

    def find(self, x: str) -> str:
        while self.parent.get(x, x) != x:
            x = self.parent[x]
        return x


# -- stories ------------------------------------------------------------------------------------

def stories(ledger: Ledger, settings: Settings) -> Clusters:
    """Documents about the same story: two that share a pair of their most-mentioned entities
    (North Korea and Russia; Tara Reid and a rehab clinic) belong together. Keyed by entity pairs,
    so linear in the number of documents; a figure is only grouped with figures of its story."""
    table = settings["group"]
    top_n = table["story_entities"]
    first_with_pair: dict[tuple[str, str], str] = {}
    pairs: list[tuple[str, str, float]] = []
    rows = ledger.rows(
        "SELECT m.document_id, e.canonical_id AS entity, count(*) AS n FROM mentions m "
        "JOIN resolved_entities e ON e.id = m.entity_id GROUP BY m.document_id, entity "
        "ORDER BY m.document_id, n DESC, entity")
    for doc_id, entities in groupby(rows, key=lambda r: r["document_id"]):
        top = sorted(r["entity"] for r in list(entities)[:top_n])
        for i, a in enumerate(top):
            for b in top[i + 1:]:
                other = first_with_pair.setdefault((a, b), doc_id)
                if other != doc_id:
                    pairs.append((doc_id, other, 1.0))
    return Clusters(pairs)


# -- groups -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Member:
    id: str
    document: str
    low: Optional[float]
    high: Optional[float]
    qualifier: str
    originator: Optional[str]
    originator_name: Optional[str]
    as_of: Optional[str]
    outlet: str


def subject_of(counted: Optional[str], category: str, settings: Settings) -> str:
    """What a figure counts, as one word: people for soldiers, troops, them; else the head noun."""
    people = set(settings["figures"]["people_nouns"]["words"])
    conflict = set(settings["figures"]["conflict_categories"])
    words = WORD.findall((counted or "").lower())
    head = words[-1] if words else ""
    if head in people or head.rstrip("s") in people or (not head and category in conflict):
        return settings["group"]["people_subject"]
    return head.rstrip("s") if len(head) > 3 else head


def interval(m: Member, tolerance: float) -> tuple[float, float]:
    """The values a figure allows, widened by half the tolerance: two figures whose intervals meet
    are then at most `tolerance` apart."""
    tolerance /= 2
    low = m.low if m.low is not None else 0.0
    high = m.high if m.high is not None else INFINITY
    if m.qualifier == "vague":
        high = low * 10  # "several hundred", "thousands": within the order of magnitude
    elif m.qualifier in ("exact", "approximate"):
        high = low if m.high is None else high
    return low * (1 - tolerance), high * (1 + tolerance)


def agree(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def point(m: Member) -> float:
    if m.low is not None and m.high is not None:
        return (m.low + m.high) / 2
    return m.low if m.low is not None else (m.high or 0.0)


def load_members(ledger: Ledger, settings: Settings, clusters: Clusters,
                 story: Clusters) -> dict[tuple, list[Member]]:
    """Every figure as a small member row, by group key (story, category, subject, increment)."""
    keyed: dict[tuple, list[Member]] = defaultdict(list)
    for r in ledger.rows(
            "SELECT q.id, q.document_id, q.low, q.high, q.qualifier, q.category, q.counted, q.increment, "
            "q.source_text, q.as_of, e.canonical_id AS origin, e.name AS origin_name, "
            "d.outlet, d.source, d.published FROM quantities q JOIN documents d ON d.id = q.document_id "
            "LEFT JOIN resolved_entities e ON e.id = q.source_entity_id ORDER BY q.document_id, q.\"start\""):
        named = r["source_text"] and names_someone((None, r["source_text"]))
        origin = r["origin"] or (f"text:{name_key(r['source_text'])}" if named else None)
        outlet = r["outlet"] or PurePath(r["source"]).stem
        key = (story.find(r["document_id"]), r["category"], subject_of(r["counted"], r["category"], settings),
               bool(r["increment"]))
        keyed[key].append(Member(r["id"], clusters.find(r["document_id"]), r["low"], r["high"], r["qualifier"],
                                 origin, r["origin_name"] or r["source_text"], r["as_of"] or r["published"], outlet))
    return keyed


def assess(members: list[Member], tolerance: float) -> tuple[str, str]:
    """The group's status and a one-line note saying why. Each originator's figures are reduced to
    their distinct value intervals and months, and intervals are compared by a sweep, so a group's
    cost grows with its size times its number of originators, not with its size squared."""
    by_origin: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        if m.originator:
            by_origin[m.originator].append(m)
    if not by_origin:
        return "unattributed", "no figure here is attributed to a source"
    spans = {o: sorted({interval(m, tolerance) for m in ms}) for o, ms in by_origin.items()}
    months = {o: {(m.as_of or "")[:7] for m in ms} for o, ms in by_origin.items()}
    origins = list(by_origin)
    drift = None
    for i, a in enumerate(origins):
        for b in origins[i + 1:]:
            if any_overlap(spans[a], spans[b]):
                continue
            if any(same_time(x, y) for x in months[a] for y in months[b]):
                return "conflicting", f"{name_of(by_origin[a])} and {name_of(by_origin[b])} disagree"
            drift = drift or f"{name_of(by_origin[a])} and {name_of(by_origin[b])} differ, at different times"
    if drift:
        return "evolving", drift
    if len(origins) >= 2:
        return "corroborated", f"{len(origins)} originators agree within {tolerance:.0%}"
    only = by_origin[origins[0]]
    dated = sorted((m for m in only if m.as_of), key=lambda m: m.as_of)
    if len({point(m) for m in dated}) > 1 and len({m.as_of for m in dated}) > 1:
        return "evolving", f"{name_of(only)} changed the figure from {dated[0].as_of} to {dated[-1].as_of}"
    return "single-source", f"one originator, {name_of(only)}, relayed by {len({m.outlet for m in only})} outlet(s)"


def any_overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """Whether any interval of `a` meets any of `b`; both sorted by their low end. Linear."""
    i = j = 0
    while i < len(a) and j < len(b):
        if agree(a[i], b[j]):
            return True
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return False


def same_time(a: Optional[str], b: Optional[str]) -> bool:
    """Whether two as-of dates may be the same time: equal to the month, or one unknown."""
    return not a or not b or a[:7] == b[:7] or a.startswith(b) or b.startswith(a)


def name_of(members: list[Member]) -> str:
    return members[0].originator_name or "an unnamed source"


def compare_parts(total: list[Member], parts: dict[str, list[Member]], tolerance: float) -> Optional[str]:
    """A casualties figure against another originator's killed + wounded: a note when they disagree."""
    sums: dict[str, float] = {}
    names: dict[str, str] = {}
    for category in ("killed", "wounded"):
        for m in parts.get(category, []):
            if m.originator:
                sums.setdefault(m.originator, 0.0)
                names[m.originator] = m.originator_name or "?"
        by_origin = {m.originator: point(m) for m in parts.get(category, []) if m.originator}
        for origin in list(sums):
            if origin in by_origin:
                sums[origin] += by_origin[origin]
            else:
                sums.pop(origin)
    for origin, value in sums.items():
        for m in total:
            if m.originator and m.originator != origin:
                derived = Member("", "", value, value, "exact", origin, names[origin], None, "")
                if not agree(interval(derived, tolerance), interval(m, tolerance)) and \
                        same_time(m.as_of, parts_as_of(parts, origin)):
                    return (f"{names[origin]}'s killed + wounded ({value:,.0f}) and {m.originator_name}'s "
                            f"casualties ({point(m):,.0f}) disagree")
    return None


def parts_as_of(parts: dict[str, list[Member]], origin: str) -> Optional[str]:
    return next((m.as_of for ms in parts.values() for m in ms if m.originator == origin), None)


def plan_groups(ledger: Ledger, clusters: Clusters) -> list[Group]:
    settings = load_settings()
    tolerance = settings["group"]["agreement_tolerance"]
    conflict = set(settings["figures"]["conflict_categories"])
    keyed = load_members(ledger, settings, clusters, stories(ledger, settings))
    ids = {key: make_id("group", *key) for key in keyed}
    groups = []
    for key, members in keyed.items():
        story, category, subject, increment = key
        if category not in conflict and len({m.document for m in members}) < 2:
            continue
        status, note = assess(members, tolerance)
        related: tuple[str, ...] = ()
        if category == "casualties":
            parts = {c: keyed.get((story, c, subject, increment), []) for c in ("killed", "wounded")}
            related = tuple(ids[(story, c, subject, increment)] for c in parts if parts[c])
            disagreement = compare_parts(members, parts, tolerance)
            if disagreement:
                status, note = "conflicting", disagreement
        elif category in ("killed", "wounded") and (story, "casualties", subject, increment) in keyed:
            related = (ids[(story, "casualties", subject, increment)],)
        label = f"{category}: {subject}" + (" (additional)" if increment else "")
        groups.append(Group(
            id=ids[key], label=label, category=category, quantities=tuple(m.id for m in members),
            status=status, originators=tuple(sorted({m.originator for m in members if m.originator})),
            outlets=tuple(sorted({m.outlet for m in members})), related=related, note=note))
    return groups


def regroup(ledger: Ledger) -> int:
    """Finds near-copies, then rebuilds every group; each in one transaction."""
    pairs = find_near_copies(ledger)
    ledger.replace_near_copies(pairs)
    return ledger.replace_groups(plan_groups(ledger, Clusters(pairs)))
