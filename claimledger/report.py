"""Report: the ledger as something people read.

`html` is one self-contained file that works offline (no script, no font, no network). Groups come
ranked (disagreement first, then by how many independent originators and outlets carry them),
behind a table of contents. Per group, the answer first: what is counted, in words; its status
with a one-line reason naming the originators and their values; the range of estimates (lowest,
highest, and a best value: the median of the independent originators' latest values). Then each
originator's history (values by as-of date) and the relay chain of its figures (originator → the
outlet that first carried them → the outlets repeating them, near-copies marked), a plot of the
values over time (inline SVG: a date axis with undated figures in their own lane, every point
visible, ranges as bars, floors and ceilings as arrows), and, folded, every figure with its
passage. Then quotes by speaker, people and organisations, the citation graph.

`md` is the same per group (title, status and reason, range, the originators table, every figure)
for a wiki or a newsroom document; `csv` has one row per figure with the same columns plus the
group's. Article text is untrusted: the template escapes everything it shows, and so does the SVG.
"""
from __future__ import annotations

import csv
import functools
import html
import os
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import IO, Optional
from urllib.parse import urlparse

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .errors import UsageError
from .extract.entities import name_key
from .review import Reviews
from .settings import load_settings
from .store import Ledger

FORMATS = ("html", "md", "csv")
TEMPLATES = PurePath(__file__).parent / "templates"
PASSAGE_CONTEXT = 160  # characters of context either side of a figure in its quoted passage
PALETTE = ("#1b6ca8", "#d1495b", "#2e8b57", "#c48a1a", "#6a4c93", "#00798c", "#8c564b", "#e377c2")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ESTIMATES = """
SELECT g.id AS group_id, g.label, g.category AS group_category, g.status, g.note, q.id, q.low, q.high,
       q.qualifier, q.surface, q.unit, q."start", q."end", q.counted, q.increment,
       coalesce(e.name, q.source_text) AS originator, e.canonical_id AS originator_id,
       d.outlet, d.url, d.source, d.title, d.copy_of, d.published, coalesce(q.as_of, d.published) AS as_of,
       d.id AS document_id
FROM groups g JOIN group_members m ON m.group_id = g.id JOIN quantities q ON q.id = m.quantity_id
JOIN documents d ON d.id = q.document_id
LEFT JOIN resolved_entities e ON e.id = q.source_entity_id
ORDER BY g.id, coalesce(q.as_of, d.published, ''), d.source, q."start"
"""
QUOTES = """
SELECT coalesce(e.name, q.speaker_text, 'unknown speaker') AS speaker, q.surface, d.outlet, d.url, d.source
FROM quotes q JOIN documents d ON d.id = q.document_id
LEFT JOIN resolved_entities e ON e.id = q.speaker_entity_id
ORDER BY speaker, d.source, q."start"
"""
ENTITIES = """
SELECT c.name, c.type, n.mentions, n.documents,
       (SELECT group_concat(DISTINCT a.alias) FROM aliases a JOIN entities x ON x.id = a.entity_id
        WHERE (x.id = c.id OR x.canonical_id = c.id) AND a.alias != c.name) AS aliases
FROM entity_counts n JOIN entities c ON c.id = n.entity_id
WHERE c.type IN ('PERSON', 'ORG') ORDER BY n.mentions DESC, c.name
"""
CITED = "SELECT DISTINCT document_id, cited FROM citations WHERE kind != 'original-source' ORDER BY document_id, cited"
DOCUMENT_OUTLETS = "SELECT id, outlet, url, source, published, title FROM documents"
FIGURE_COLUMNS = ("originator", "value", "as_of", "outlet", "relay", "span_text", "review")
GROUP_COLUMNS = ("rank", "group", "status", "reason", "lowest", "best", "highest")


def report_settings() -> dict:
    return _report_settings(os.environ.get("CLAIMLEDGER_PATTERNS", ""))


@functools.cache
def _report_settings(patterns: str) -> dict:
    return load_settings(patterns or None)["report"]


# -- values, dates, outlets ---------------------------------------------------------------------

def number_text(v: float, unit: Optional[str] = None) -> str:
    """1,200; 40 million (for money); 80.5."""
    if unit and unit != "percent":
        for scale, word in sorted(((int(k), w) for k, w in report_settings()["scale_words"].items()), reverse=True):
            if abs(v) >= scale:
                return f"{v / scale:,.4g} {word}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"


def with_unit(text: str, unit: Optional[str]) -> str:
    if unit == "percent":
        return f"{text}%"
    return f"{unit} {text}" if unit else text


def value_text(low, high, qualifier: str, surface: str = "", unit: Optional[str] = None) -> str:
    """A figure as people write it: "about 4,000", "3,000 to 4,000", "over 11,000", "USD 40 million"."""
    if qualifier == "vague":
        return surface

    def num(v):
        return number_text(v, unit)
    if qualifier == "range":
        text = f"{num(low)} to {num(high)}"
    elif qualifier == "floor":
        text = f"over {num(low)}"
    elif qualifier == "ceiling":
        text = f"up to {num(high)}"
    elif qualifier == "approximate":
        text = f"about {num(low)}"
    else:
        text = num(low if low is not None else high)
    return with_unit(text, unit)


def point_of(low: Optional[float], high: Optional[float]) -> Optional[float]:
    """One number for a figure: the middle of a range, else whichever end it has."""
    if low is not None and high is not None:
        return (low + high) / 2
    return low if low is not None else high


def parse_as_of(as_of: Optional[str]) -> Optional[date]:
    """The day an as-of date stands for: "2025-03" is mid-month, "2025" mid-year, "A/B" its start."""
    if not as_of:
        return None
    first = as_of.split("/")[0]
    parts = first.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 7
        day = int(parts[2]) if len(parts) > 2 else (15 if len(parts) > 1 else 1)
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


@functools.lru_cache(maxsize=4096)
def date_text(as_of: Optional[str]) -> str:
    """"6 Mar 2025", "Dec 2024", "2018"; "undated" when there is none."""
    if not as_of:
        return "undated"
    return "–".join(_one_date_text(part) for part in as_of.split("/"))


def _one_date_text(iso: str) -> str:
    parts = iso.split("-")
    try:
        if len(parts) >= 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return iso


def outlet_name(outlet: Optional[str], url: Optional[str] = None, source: Optional[str] = None) -> str:
    """The outlet as named in the document's metadata, else its URL's host, else a plain "not known"."""
    if outlet and outlet.strip():
        return outlet.strip()
    for address in (url, source):
        if address and address.startswith(("http://", "https://")):
            host = urlparse(address).hostname or ""
            if host:
                return host.removeprefix("www.")
    return report_settings()["unknown_outlet"]


# -- groups -------------------------------------------------------------------------------------

@dataclass
class Row:
    group_id: str
    value: str
    originator: str
    outlet: str
    as_of: str
    surface: str
    anchor: str
    low: Optional[float]
    high: Optional[float]
    review: str = ""
    qualifier: str = "exact"
    unit: Optional[str] = None
    originator_key: Optional[str] = None
    document_id: str = ""
    copy_of: Optional[str] = None
    published: Optional[str] = None
    document: str = ""
    relay: str = ""
    start: int = 0
    end: int = 0

    @property
    def point(self) -> Optional[float]:
        return point_of(self.low, self.high)

    @property
    def day(self) -> Optional[date]:
        return parse_as_of(self.as_of)


@dataclass
class Originator:
    key: str
    name: str
    rows: list[Row] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    chain: list[dict] = field(default_factory=list)

    @property
    def own(self) -> list[Row]:
        """Its figures, less those in near-copies of other documents (a copy repeats, it does not update)."""
        return [r for r in self.rows if not r.copy_of] or self.rows

    @property
    def latest(self) -> Row:
        """The figure with the latest as-of date (undated ones count as earliest)."""
        return max(enumerate(self.own), key=lambda ir: (ir[1].day or date.min, ir[0]))[1]


def originator_key(originator_id: Optional[str], name: Optional[str]) -> Optional[str]:
    if originator_id:
        return originator_id
    return f"text:{name_key(name)}" if name else None


def group_title(category: str, counted: Counter, units: Counter, increment: bool) -> str:
    """What the group counts, in words: "North Korean soldiers killed", "Sum of money (USD)";
    `counted` and `units` count the phrases and units of its figures."""
    s = report_settings()
    phrases = naming_phrases(counted)
    what = min(phrases, key=lambda p: (-phrases[p], -len(p), p)) if phrases else s["what_fallback"]
    unit = Counter({u: n for u, n in units.items() if u}).most_common(1)
    template = s["titles"].get(category, s["title_unknown"])
    title = template.format(what=what, unit=unit[0][0] if unit else "currency not stated", category=category)
    if increment:
        title = s["increment_title"].format(title=title)
    return title[0].upper() + title[1:]


def naming_phrases(counted: Counter) -> Counter:
    """The counted phrases that name something ("North Korean troops", not "them")."""
    skip = set(report_settings()["pronouns"])
    phrases: Counter = Counter()
    for phrase, n in counted.items():
        if phrase and phrase.strip().lower() not in skip:
            phrases[" ".join(phrase.split())] += n
    return phrases


GROUP_FACTS = """
SELECT g.id, g.label, g.category, g.status, g.note, count(*) AS figures,
       (SELECT count(*) FROM group_originators o WHERE o.group_id = g.id) AS originators,
       count(DISTINCT CASE WHEN d.copy_of IS NULL THEN coalesce(d.outlet, d.url, d.id) END) AS outlets
FROM groups g JOIN group_members m ON m.group_id = g.id JOIN quantities q ON q.id = m.quantity_id
JOIN documents d ON d.id = q.document_id
GROUP BY g.id, g.label, g.category, g.status, g.note
"""
TITLE_WORDS = """
SELECT m.group_id, q.counted, q.unit, q.increment, count(*) AS n
FROM group_members m JOIN quantities q ON q.id = m.quantity_id GROUP BY m.group_id, q.counted, q.unit, q.increment
"""


def group_facts(ledger: Ledger, status: Optional[str] = None, measure: Optional[str] = None) -> list[dict]:
    """Every group (of one status and measure, when given) with its title in words, its number of
    figures, independent originators and outlets (a near-copy is no outlet of its own), and its
    rank: disagreement first, then the groups most originators and outlets carry. The report and
    the explorer's groups page both list groups in this order."""
    counted: dict[str, Counter] = defaultdict(Counter)
    units: dict[str, Counter] = defaultdict(Counter)
    increment: dict[str, bool] = {}
    for r in ledger.rows(TITLE_WORDS):
        counted[r["group_id"]][r["counted"]] += r["n"]
        units[r["group_id"]][r["unit"]] += r["n"]
        increment[r["group_id"]] = increment.get(r["group_id"], False) or bool(r["increment"])
    for r in ledger.rows("SELECT group_id, related_id FROM group_relations"):
        if not naming_phrases(counted[r["group_id"]]):  # "them": what its related groups count
            counted[r["group_id"]] = counted[r["group_id"]] + naming_phrases(counted[r["related_id"]])
    facts = []
    for r in ledger.rows(GROUP_FACTS):
        g = dict(r)
        g["title"] = group_title(g["category"], counted[g["id"]], units[g["id"]], increment.get(g["id"], False))
        facts.append(g)
    facts.sort(key=lambda g: rank_key(g["status"], g["originators"], g["outlets"], g["figures"], g["title"]))
    for i, g in enumerate(facts, 1):
        g["rank"] = i
    return [g for g in facts if (not status or g["status"] == status) and (not measure or g["category"] == measure)]


def originators_of(rows: list[Row]) -> list[Originator]:
    """The group's independent originators (canonical entities, else their words), each with its
    figures, its history and its relay chain; the most recent first."""
    by_key: dict[str, Originator] = {}
    for r in rows:
        if r.originator_key:
            by_key.setdefault(r.originator_key, Originator(r.originator_key, r.originator)).rows.append(r)
    for o in by_key.values():
        o.name = Counter(r.originator for r in o.rows).most_common(1)[0][0]
        o.history = history_of(o.own)
        o.chain = relay_chain(o.rows)
    return sorted(by_key.values(), key=lambda o: (-(o.latest.day or date.min).toordinal(), o.name))


def history_of(rows: list[Row]) -> list[dict]:
    """Distinct (as of, value) steps of one originator, in time order: "about 1,200 (3 Mar) → 6,000 (8 Mar)"."""
    steps, seen = [], set()
    for r in sorted(rows, key=lambda r: r.day or date.min):
        if (r.as_of, r.value) not in seen:
            seen.add((r.as_of, r.value))
            steps.append({"as_of": r.as_of, "date": date_text(r.as_of), "value": r.value})
    return steps


def relay_chain(rows: list[Row]) -> list[dict]:
    """The outlets that carried an originator's figures, by publication date: the first, then those
    repeating it; a near-copy names the outlet it copies."""
    chain, seen = [], {}
    ordered = sorted(rows, key=lambda r: (parse_as_of(r.published) or date.max, r.document_id))
    unknown = report_settings()["unknown_outlet"]
    for r in ordered:
        key = r.document_id if r.outlet == unknown else r.outlet
        if key in seen:
            continue
        seen[key] = r.document_id
        chain.append({"outlet": r.outlet, "date": date_text(r.published) if r.published else "",
                      "copy_of": r.copy_of, "document_id": r.document_id})
    return chain


def name_copies(chain: list[dict], outlets: dict[str, str]) -> None:
    for link in chain:
        link["copy_of_outlet"] = outlets.get(link["copy_of"], "") if link["copy_of"] else ""


def estimates_range(rows: list[Row], originators: list[Originator]) -> dict:
    """Lowest and highest of every figure, and the best value: the median of the originators'
    latest values (of every figure's, when none is attributed)."""
    lows = [r.low if r.low is not None else r.high for r in rows if r.point is not None]
    highs = [r.high if r.high is not None else r.low for r in rows if r.point is not None]
    latest = [o.latest.point for o in originators if o.latest.point is not None]
    basis = latest or [r.point for r in rows if r.point is not None]
    unit = next((r.unit for r in rows if r.unit), None)
    if not basis:
        return {}
    return {"lowest": with_unit(number_text(min(lows), unit), unit),
            "highest": with_unit(number_text(max(highs), unit), unit),
            "best": with_unit(number_text(round(statistics.median(basis), 2), unit), unit),
            "best_rule": report_settings()["best_rule"] if latest else "the median of every figure",
            "low": min(lows), "high": max(highs)}


def apart(values: list[float]) -> str:
    top = max(values)
    return f"{(top - min(values)) / top:.0%}" if top else "0%"


def reason_of(status: str, originators: list[Originator], related: list[dict], outlets: int) -> str:
    """One line naming the originators and their latest values, and why that gives the status."""
    s = report_settings()
    named = [f"{o.name}: {o.latest.value}{dated(o.latest.as_of)}" for o in originators]
    if status == "conflicting":
        named += [f"{r['name']}: {r['text']}" for r in related]
    latest = [o.latest.point for o in originators if o.latest.point is not None]
    if status == "unattributed" or not originators:
        return s["reason_unattributed"]
    if status == "conflicting":
        why = s["reason_apart"].format(apart=apart(latest + [r["point"] for r in related]))
    elif status == "corroborated":
        spread = apart(latest)
        why = s["reason_agree" if spread != "0%" else "reason_same"].format(n=len(originators), apart=spread)
    elif status == "evolving" and len(originators) == 1:
        steps = originators[0].history
        named = [f"{originators[0].name}: " + " → ".join(f"{h['value']}{dated(h['as_of'])}" for h in steps)]
        why = s["reason_evolving"]
    elif status == "evolving":
        why = s["reason_apart"].format(apart=apart(latest)) + ", at different times"
    else:
        why = s["reason_single"].format(outlets=plural(outlets, "independent outlet"))
    return "; ".join(named) + " — " + why


def dated(as_of: Optional[str]) -> str:
    """" (6 Mar 2025)" after a value, nothing when undated."""
    return f" ({date_text(as_of)})" if as_of else ""


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def related_values(group: dict, groups: dict[str, dict], relations: dict[str, list[str]]) -> list[dict]:
    """Originators of related groups (killed, wounded for a casualties figure) that this group
    lacks, with their latest values: "National Intelligence Service: about 300 killed + over 2,700 wounded"."""
    own = {o.key for o in group["originators"]}
    found: dict[str, dict] = {}
    for related_id in relations.get(group["id"], []):
        other = groups.get(related_id)
        if other is None or group["category"] != "casualties":
            continue
        for o in other["originators"]:
            if o.key in own or o.latest.point is None:
                continue
            entry = found.setdefault(o.key, {"name": o.name, "parts": [], "point": 0.0})
            entry["parts"].append(f"{o.latest.value} {other['category']}{dated(o.latest.as_of)}")
            entry["point"] += o.latest.point
    return [{"name": e["name"], "text": " + ".join(e["parts"]), "point": e["point"]} for e in found.values()]


def rank_key(status: str, originators: int, outlets: int, figures: int, title: str) -> tuple:
    """Disagreement first, then the groups most independent originators and outlets carry."""
    order = report_settings()["status_order"]
    rank = order.index(status) if status in order else len(order)
    return (status != "conflicting", -originators, -outlets, rank, -figures, title)


def build_groups(ledger: Ledger) -> list[dict]:
    """Every group with its rows, title, originators, range, reason and relay chains, ranked."""
    groups: dict[str, dict] = {}
    reviews = Reviews(ledger)
    for r in ledger.rows(ESTIMATES):
        reviewed = reviews.apply("quantity", {"id": r["id"], "low": r["low"], "high": r["high"],
                                              "source_text": r["originator"]})
        if reviewed is None:
            continue
        group = groups.setdefault(r["group_id"], {
            "id": r["group_id"], "label": r["label"], "status": r["status"], "note": r["note"],
            "category": r["group_category"], "rows": []})
        name = reviewed["source_text"]
        key = originator_key(r["originator_id"] if name == r["originator"] else None, name)
        group["rows"].append(Row(
            r["group_id"], value_text(reviewed["low"], reviewed["high"], r["qualifier"], r["surface"], r["unit"]),
            name or report_settings()["unknown_originator"], outlet_name(r["outlet"], r["url"], r["source"]),
            r["as_of"] or "", r["surface"], f"p-{r['id']}", reviewed["low"], reviewed["high"],
            reviewed["review"] or "", r["qualifier"], r["unit"], key, r["document_id"], r["copy_of"],
            r["published"], r["title"] or PurePath(r["source"]).name, start=r["start"], end=r["end"]))
    outlets = {r["id"]: outlet_name(r["outlet"], r["url"], r["source"]) for r in ledger.rows(DOCUMENT_OUTLETS)} \
        if any(r.copy_of for g in groups.values() for r in g["rows"]) else {}
    relations: dict[str, list[str]] = defaultdict(list)
    for r in ledger.rows("SELECT group_id, related_id FROM group_relations ORDER BY group_id, related_id"):
        relations[r["group_id"]].append(r["related_id"])
    for group in groups.values():
        describe_group(group, outlets)
    for group in groups.values():
        group["related_values"] = related_values(group, groups, relations)
        group["reason"] = reason_of(group["status"], group["originators"], group["related_values"],
                                    len({r.outlet for r in group["rows"] if not r.copy_of}))
    ranked = []
    for facts in group_facts(ledger):
        if facts["id"] in groups:
            group = groups[facts["id"]]
            group.update(title=facts["title"], rank=len(ranked) + 1)
            ranked.append(group)
    return ranked


def describe_group(group: dict, outlets: dict[str, str]) -> None:
    """Title, originators (with history and relay chain), outlets, range and relay notes of one group."""
    rows = group["rows"]
    group["originators"] = originators_of(rows)
    for o in group["originators"]:
        name_copies(o.chain, outlets)
    group["outlets"] = sorted({r.outlet for r in rows})
    group["range"] = estimates_range(rows, group["originators"])
    group["has_review"] = any(r.review for r in rows)
    firsts = {(o.key, o.chain[0]["outlet"]) for o in group["originators"] if o.chain}
    for r in rows:
        r.relay = relay_role(r, firsts, outlets)


def relay_role(r: Row, firsts: set[tuple], outlets: dict[str, str]) -> str:
    if r.copy_of:
        return f"near-copy of {outlets.get(r.copy_of, 'another document')}"
    if r.originator_key is None:
        return "reporter's own figure"
    return "first carried it" if (r.originator_key, r.outlet) in firsts else "repeats it"


def collect(ledger: Ledger, for_html: bool = True) -> dict:
    """What the report shows; `for_html` adds passages, plots and the other sections."""
    groups = build_groups(ledger)
    if not for_html:
        return {"groups": groups}
    passages = passages_of(ledger, groups)
    cited: dict[str, list[str]] = defaultdict(list)
    for r in ledger.rows(CITED):
        cited[r["document_id"]].append(r["cited"])
    for group in groups:
        group["plot"] = Markup(plot(group["rows"]))
        group["passages"] = [passages[r.anchor] for r in group["rows"] if r.anchor in passages]
        for o in group["originators"]:
            for link in o.chain:
                link["via"] = cited.get(link["document_id"], [])[:3]
    quotes: dict[str, list] = defaultdict(list)
    for r in ledger.rows(QUOTES):
        quotes[r["speaker"]].append({"text": r["surface"], "outlet": outlet_name(r["outlet"], r["url"], r["source"])})
    names = {r["id"]: (outlet_name(r["outlet"], r["url"], r["source"]), r["title"] or PurePath(r["source"]).name)
             for r in ledger.rows(DOCUMENT_OUTLETS)}
    graph = [dict(r) for r in ledger.rows(
        "SELECT DISTINCT g.document, g.target, g.kind FROM citation_graph g ORDER BY 1, 3, 2")]
    for edge in graph:
        edge["outlet"], edge["source"] = names.get(edge["document"], ("", ""))
    graph.sort(key=lambda e: (e["outlet"], e["source"], e["kind"], e["target"] or ""))
    copies = [{"a": names[r["a"]], "b": names[r["b"]], "similarity": r["similarity"]} for r in ledger.rows(
        "SELECT document_a AS a, document_b AS b, similarity FROM near_copies ORDER BY similarity DESC")]
    counts = {t: ledger.count(t) for t in ("documents", "quantities", "quotes", "groups")}
    audit = [{**dict(r), "at": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r["created"]))} for r in ledger.rows(
        "SELECT item_kind, item_id, action, field, value, reviewer, reason, created FROM reviews ORDER BY created")]
    return {"audit": audit, "groups": groups, "passages": passages, "quotes": dict(quotes),
            "entities": [{**dict(r), "aliases": ",".join(sorted(set((r["aliases"] or "").split(",")) - {""}))}
                         for r in ledger.rows(ENTITIES)], "graph": graph, "copies": copies,
            "counts": counts, "claims": claims_by_source(ledger)}


def claims_by_source(ledger: Ledger) -> list[dict]:
    """Every source with its claims, each statement once: its words, kind and cue, the outlet and
    document that carried it first, and the other outlets carrying the same claim by the same
    source (`relays`); the sources that make the most claims first."""
    from .relays import relayed, source_key

    relay = load_settings()["relay"]
    limit = relay["max_carriers_shown"]
    sources: dict[str, dict] = {}
    named = functools.lru_cache(maxsize=None)(outlet_name)
    for s in relayed(ledger):
        key = source_key(s["source_id"], s["source_text"]) or ""
        entry = sources.setdefault(key, {"names": Counter(), "statements": []})
        entry["names"][s["source"] or relay["unknown_source"]] += 1
        first = named(s["outlet"], s["url"], s["document_source"])
        others = list(dict.fromkeys(named(d["outlet"], d["url"], d["document_source"]) for d in s["documents"][1:]))
        others = [o for o in others if o != first]
        entry["statements"].append({
            "text": " ".join(s["surface"].split()), "kind": s["kind"], "cue": s["cue"] or "", "outlet": first,
            "document": s["title"] or PurePath(s["document_source"]).name,
            "date": date_text(s["published"]) if s["published"] else "",
            "carried_by": others[:limit], "more": max(0, len(others) - limit)})
    out = [{"name": e["names"].most_common(1)[0][0], "statements": e["statements"]} for e in sources.values()]
    return sorted(out, key=lambda s: (-len(s["statements"]), s["name"]))


def passages_of(ledger: Ledger, groups: list[dict]) -> dict[str, dict]:
    """Each figure's passage, quoted with the figure marked, by anchor."""
    wanted: dict[str, list[Row]] = defaultdict(list)
    for group in groups:
        for r in group["rows"]:
            wanted[r.document_id].append(r)
    passages = {}
    for doc_id, rows in wanted.items():
        text = next(ledger.rows("SELECT text FROM documents WHERE id = ?", (doc_id,)))["text"]
        for r in rows:
            passages[r.anchor] = {"anchor": r.anchor, "source": f"{r.outlet} · {r.document}",
                                  "html": marked_passage(text, r.start, r.end)}
    return passages


def marked_passage(text: str, start: int, end: int) -> Markup:
    """The figure's neighbourhood, escaped, with the figure marked."""
    left = max(0, start - PASSAGE_CONTEXT)
    right = min(len(text), end + PASSAGE_CONTEXT)
    return Markup(("…" if left else "") + html.escape(text[left:start]) + "<mark>" + html.escape(text[start:end])
                  + "</mark>" + html.escape(text[end:right]) + ("…" if right < len(text) else ""))


# -- plots --------------------------------------------------------------------------------------

def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` intervals over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 10 ** -len(f"{raw:.10f}".split(".")[1].rstrip("0"))
    for factor in (1, 2, 2.5, 5, 10):
        if power * factor >= raw:
            return power * factor
    return power * 10


def value_ticks(top: float) -> list[float]:
    step = nice_step(top)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def tick_text(v: float, unit: Optional[str]) -> str:
    if abs(v) >= 1_000_000:
        text = f"{v / 1_000_000:,.4g}M" if abs(v) < 1e9 else f"{v / 1e9:,.4g}bn"
    else:
        text = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.4g}"
    return text + ("%" if unit == "percent" else "")


def date_ticks(first: date, last: date, most: int) -> list[tuple[date, str]]:
    """Ticks for a date axis: days, month starts or years, whichever fits `most` of them."""
    span = (last - first).days
    if span > 3 * 365:
        step = max(1, -(-(last.year - first.year) // most))
        return [(date(y, 1, 1), str(y)) for y in range(first.year + 1, last.year + 1, step)]
    months = (last.year - first.year) * 12 + last.month - first.month
    if months >= 2:
        step = max(1, -(-months // most))
        ticks, (y, m) = [], (first.year, first.month)
        while (y, m) <= (last.year, last.month):
            d = date(y, m, 1)
            if first <= d <= last:
                ticks.append((d, f"{MONTHS[m - 1]} {y}" if m == 1 or not ticks else MONTHS[m - 1]))
            m += step
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        return ticks
    step = max(1, -(-span // most))
    days = [date.fromordinal(first.toordinal() + i) for i in range(0, span + 1, step)]
    return [(d, f"{d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if i == 0 else "")) for i, d in enumerate(days)]


class Placer:
    """Moves each marker sideways until it is at least `gap` pixels from every marker placed before
    it (a grid of cells of that size, so placing n markers costs about n). Where markers are denser
    than the plot can show apart, one goes where it is after `tries` moves."""

    def __init__(self, gap: float, tries: int = 24):
        self.gap, self.gap2, self.tries = gap, gap * gap, tries
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)

    def free(self, x: float, y: float) -> bool:
        cx, cy = int(x // self.gap), int(y // self.gap)
        cells = self.cells
        for i in (-1, 0, 1):
            for j in (-1, 0, 1):
                for px, py in cells.get((cx + i, cy + j), ()):
                    if (x - px) ** 2 + (y - py) ** 2 < self.gap2:
                        return False
        return True

    def place(self, x: float, y: float, low: float, high: float) -> float:
        for k in range(0, self.tries):
            offset = (k + 1) // 2 * self.gap * (1 if k % 2 else -1) if k else 0.0
            if low <= x + offset <= high and self.free(x + offset, y):
                x += offset
                break
        self.cells[(int(x // self.gap), int(y // self.gap))].append((x, y))
        return x


@dataclass
class Frame:
    """Where things go in a plot: the undated lane on the left, the dated area right of it."""
    width: int
    height: int
    left: int = 58
    right: int = 14
    top: int = 12
    bottom: int = 36
    lane: int = 0
    first: Optional[date] = None
    last: Optional[date] = None
    ymax: float = 1.0

    def x(self, day: Optional[date]) -> float:
        if day is None:
            return self.left + self.lane / 2
        start, end = self.left + self.lane + 14, self.width - self.right - 10
        if self.first == self.last:
            return (start + end) / 2
        return start + (end - start) * (day - self.first).days / (self.last - self.first).days

    def y(self, v: float) -> float:
        return self.top + (self.height - self.top - self.bottom) * (1 - v / self.ymax)

    def x_limits(self, day: Optional[date]) -> tuple[float, float]:
        if day is None:
            return self.left + 5, self.left + self.lane - 5
        return self.left + self.lane + 5, self.width - self.right


def plot(rows: list[Row], width: int = 520, height: int = 230) -> str:
    """An inline SVG of the group's values over time, one colour per originator: a date axis (undated
    figures in their own lane), every point visible, each originator's dated values joined by a
    line, ranges as bars, floors and ceilings as arrows."""
    s = report_settings()
    points = [r for r in rows if r.point is not None]
    if not points:
        return ""
    unit = next((r.unit for r in points if r.unit), None)
    days = [r.day for r in points if r.day]
    frame = Frame(width, height, lane=(56 if any(r.day is None for r in points) else 0) if days else width - 72)
    if days:
        frame.first, frame.last = min(days), max(days)
    top = max(max(v for v in (r.low, r.high) if v is not None) for r in points)
    ticks = value_ticks(top * 1.08 or 1.0)
    frame.ymax = ticks[-1]
    keys = list(dict.fromkeys(r.originator_key for r in sorted(points, key=lambda r: r.originator) if r.originator_key))
    colour = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}
    names = {r.originator_key: r.originator for r in points if r.originator_key}
    legend = [(colour[k], names[k]) for k in keys] + ([("#888", s["unknown_originator"])]
                                                       if any(r.originator_key is None for r in points) else [])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{width}" height="{height + 16 * len(legend) + 4}" '
             f'viewBox="0 0 {width} {height + 16 * len(legend) + 4}" role="img" '
             f'aria-label="values over time by originator">']
    parts += value_axis(frame, ticks, unit)
    parts += date_axis(frame, days, points, s["max_date_ticks"])
    parts += originator_lines(frame, points, colour)
    placer = Placer(s["min_point_gap_px"])
    for r in sorted(points, key=lambda r: (r.day is not None, r.day or date.min, r.point)):
        parts.append(marker(frame, placer, r, colour.get(r.originator_key, "#888"), unit))
    for i, (c, name) in enumerate(legend):
        ly = height + 8 + 16 * i
        parts.append(f'<circle cx="{frame.left}" cy="{ly}" r="4" fill="{c}"/>'
                     f'<text x="{frame.left + 10}" y="{ly + 4}" font-size="11">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def value_axis(frame: Frame, ticks: list[float], unit: Optional[str]) -> list[str]:
    parts = ['<g class="y-axis" font-size="10" fill="#555">']
    for t in ticks:
        y = frame.y(t)
        parts.append(f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.width - frame.right}" y2="{y:.1f}" '
                     f'stroke="#eee"/><text x="{frame.left - 4}" y="{y + 3:.1f}" text-anchor="end">'
                     f'{html.escape(tick_text(t, unit))}</text>')
    if unit and unit != "percent":
        parts.append(f'<text x="4" y="{frame.top - 2}" font-size="10">{html.escape(unit)}</text>')
    parts.append("</g>")
    return parts


def date_axis(frame: Frame, days: list[date], points: list[Row], most: int) -> list[str]:
    base = frame.height - frame.bottom
    parts = [f'<g class="x-axis" font-size="10" fill="#555"><line x1="{frame.left}" y1="{base}" '
             f'x2="{frame.width - frame.right}" y2="{base}" stroke="#999"/>']
    if any(r.day is None for r in points):
        parts.append(f'<rect class="undated-lane" x="{frame.left}" y="{frame.top}" width="{frame.lane}" '
                     f'height="{base - frame.top}" fill="#f4f4f4"/><text class="tick" x="{frame.x(None):.1f}" '
                     f'y="{base + 14}" text-anchor="middle">undated</text>')
    if days:
        ticks = date_ticks(frame.first, frame.last, most) if frame.first != frame.last else []
        if len(ticks) < 2:
            ticks = [(d, date_text(d.isoformat())) for d in sorted({frame.first, frame.last})]
        for d, label in ticks:
            x = frame.x(d)
            parts.append(f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}" stroke="#999"/>'
                         f'<text class="tick date" x="{x:.1f}" y="{base + 14}" text-anchor="middle">'
                         f'{html.escape(label)}</text>')
    parts.append("</g>")
    return parts


def originator_lines(frame: Frame, points: list[Row], colour: dict) -> list[str]:
    """Each originator's dated values in time order, joined: an evolving figure reads as a line."""
    by_key: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in points:
        if r.originator_key and r.day and not r.copy_of:
            by_key[r.originator_key][r.day].append(r.point)
    parts = []
    for key, by_day in by_key.items():
        if len(by_day) < 2:
            continue
        path = " ".join(f"{frame.x(d):.1f},{frame.y(statistics.median(v)):.1f}" for d, v in sorted(by_day.items()))
        parts.append(f'<polyline class="history" points="{path}" fill="none" stroke="{colour[key]}" '
                     f'stroke-width="1.5" stroke-opacity="0.7"/>')
    return parts


def marker(frame: Frame, placer: Placer, r: Row, c: str, unit: Optional[str]) -> str:
    """One figure: a dot (hollow when vague), a bar for a range, an arrow up for a floor ("over"),
    down for a ceiling ("up to")."""
    y = frame.y(r.point)
    x = placer.place(frame.x(r.day), y, *frame.x_limits(r.day))
    label = html.escape(f"{r.originator}: {r.value} ({date_text(r.as_of)}, {r.outlet}"
                        + (", a near-copy)" if r.copy_of else ")"))
    shape = ""
    if r.qualifier == "range" and r.low is not None and r.high is not None:
        shape = (f'<line x1="{x:.1f}" y1="{frame.y(r.low):.1f}" x2="{x:.1f}" y2="{frame.y(r.high):.1f}" '
                 f'stroke="{c}" stroke-width="4" stroke-opacity="0.6"/>')
    elif r.qualifier == "floor":
        shape = (f'<path d="M{x:.1f},{y - 5:.1f} V{y - 16:.1f} M{x - 4:.1f},{y - 12:.1f} L{x:.1f},{y - 17:.1f} '
                 f'L{x + 4:.1f},{y - 12:.1f}" stroke="{c}" fill="none" stroke-width="1.5"/>')
    elif r.qualifier == "ceiling":
        shape = (f'<path d="M{x:.1f},{y + 5:.1f} V{y + 16:.1f} M{x - 4:.1f},{y + 12:.1f} L{x:.1f},{y + 17:.1f} '
                 f'L{x + 4:.1f},{y + 12:.1f}" stroke="{c}" fill="none" stroke-width="1.5"/>')
    fill = "#fff" if r.qualifier == "vague" or r.copy_of else c
    return (f'<g class="point {r.qualifier}"><title>{label}</title>{shape}'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}" stroke="{c}" stroke-width="1.5"/></g>')


# -- writers ------------------------------------------------------------------------------------

def write_html(ledger: Ledger, out: IO[str]) -> None:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    out.write(env.get_template("report.html").render(**collect(ledger), title="claimledger report",
                                                     date_text=date_text))


def figure_cells(r: Row) -> list[str]:
    """The columns of one figure, in FIGURE_COLUMNS order (the Markdown table and the CSV)."""
    return [r.originator, r.value, r.as_of or "undated", r.outlet, r.relay, r.surface, r.review]


def range_text(group: dict) -> str:
    rng = group["range"]
    if not rng:
        return ""
    return f"lowest {rng['lowest']} · best {rng['best']} ({rng['best_rule']}) · highest {rng['highest']}"


def chain_text(o: Originator) -> str:
    links = [f"{link['outlet']}" + (f" ({link['date']})" if link["date"] else "")
             + (f", near-copy of {link['copy_of_outlet']}" if link.get("copy_of_outlet") else "")
             for link in o.chain]
    return " → ".join([o.name, *links[:1]]) + (" → " + "; ".join(links[1:]) if len(links) > 1 else "")


def write_md(ledger: Ledger, out: IO[str]) -> None:
    """Per group: a heading in words, status and reason, the range, a table of originators (latest
    value, history, relay chain) and a table of every figure."""
    groups = collect(ledger, for_html=False)["groups"]
    out.write("# Estimates by source\n\n")
    for g in groups:
        out.write(f"{g['rank']}. [{md_text(g['title'])}](#{g['rank']}-{slug(g['title'])}) — {g['status']}\n")
    for g in groups:
        out.write(f"\n## {g['rank']}. {md_text(g['title'])}\n\n")
        out.write(f"**{g['status']}**: {md_text(g['reason'])}\n\n")
        if g["range"]:
            out.write(f"Range of estimates: {md_text(range_text(g))}\n\n")
        if g["originators"]:
            out.write("| originator | latest value | as of | history | relay chain |\n|---|---|---|---|---|\n")
            for o in g["originators"]:
                history = " → ".join(f"{h['value']}{dated(h['as_of'])}" for h in o.history)
                out.write(md_row([o.name, o.latest.value, date_text(o.latest.as_of), history, chain_text(o)]))
            out.write("\n")
        columns = [c for c in FIGURE_COLUMNS if c != "review" or g["has_review"]]
        out.write(md_row([c.replace("_", " ") for c in columns]) + "|" + "---|" * len(columns) + "\n")
        for r in g["rows"]:
            out.write(md_row(figure_cells(r)[:len(columns)]))
        if g["note"]:
            out.write(f"\nNote: {md_text(g['note'])}\n")
    write_md_claims(claims_by_source(ledger), out)


def write_md_claims(sources: list[dict], out: IO[str]) -> None:
    """Claims by source: a line in bold per source, then a table of its claims: the words (quoted
    when direct), the cue, the outlet and document that carried it first, the other outlets."""
    out.write("\n# Claims by source\n")
    for s in sources:
        out.write(f"\n**{md_text(s['name'])}** ({plural(len(s['statements']), 'claim')})\n\n")
        out.write(md_row(["claim", "cue", "outlet", "document", "also carried by"]) + "|---|---|---|---|---|\n")
        for c in s["statements"]:
            carried = ", ".join(c["carried_by"]) + (f" and {c['more']} more" if c["more"] else "")
            out.write(md_row([f"“{c['text']}”" if c["kind"] == "direct" else c["text"], c["cue"], c["outlet"],
                              c["document"] + (f" ({c['date']})" if c["date"] else ""), carried]))


def slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def md_row(cells: list) -> str:
    return "| " + " | ".join(md_cell(c) for c in cells) + " |\n"


def md_text(text: str) -> str:
    """Text from articles made inert in Markdown: HTML escaped, Markdown's own marks backslashed."""
    escaped = html.escape(" ".join(str(text or "").split()), quote=False)
    return "".join("\\" + ch if ch in "\\`*_[]#|<>!" else ch for ch in escaped)


def md_cell(text: str) -> str:
    return md_text(text) or " "


def write_csv(ledger: Ledger, out: IO[str]) -> None:
    """One row per figure: the group's columns (rank, title, status, reason, range), then the figure's."""
    writer = csv.writer(out)
    writer.writerow([*GROUP_COLUMNS, "group_key", *FIGURE_COLUMNS])
    for g in collect(ledger, for_html=False)["groups"]:
        rng = g["range"] or {}
        head = [g["rank"], g["title"], g["status"], g["reason"], rng.get("lowest", ""), rng.get("best", ""),
                rng.get("highest", ""), g["label"]]
        for r in g["rows"]:
            writer.writerow([*head, *figure_cells(r)])


def report(ledger: Ledger, fmt: str, out: IO[str]) -> None:
    writers = {"html": write_html, "md": write_md, "csv": write_csv}
    if fmt not in writers:
        raise UsageError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    writers[fmt](ledger, out)
