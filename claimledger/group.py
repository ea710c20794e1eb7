"""Group: figures from any documents that count the same thing, and whether their sources agree.

Figures group by story (documents whose words are alike, `store._file_in_story`), category, counted
subject with its scope ("people at the hospital", "people seriously" apart from "people", "houses in
Tessel" apart from "houses", children and "25 of the injured" apart from the people of a toll; a
place half the story's documents mention is the story's own and scopes nothing) and whether they are
a total or an increment ("an additional 20,000", "four other people" are not the total). A count whose
phrase holds the head of another count of the story counts that ("three cable systems", "two
undersea cables"). Measures compare in one unit ("10 km" and "six miles"); a measure the whole event
has once (a quake's magnitude) is one subject, its figures grouped by value (7.6 and 7.7 one quake,
7.3 another, 5.1 an aftershock), and so are distances, speeds, areas and weights unless the text
names the dimension ("depth"): 48 km and "about 30 miles" are one chase, 135 km another distance; a sum
restated in another currency is not compared; ages, durations, ranks and years never conflict, and
neither do figures `conflict_max_ratio` times apart (a part beside the whole); tolls `apart_ratio`
times apart are groups of their own ("one man" in a village, "12 people" in the district) unless the
smaller were all dated before the larger (a rising toll); a vague amount ("thousands") reaches up to
the next number name, so it is no rival to 14,000; originators whose
names are spellings of one name are one, one who speaks for another originator of the group ("Velmnet
spokesman Tomas Brenn") is that originator, and a part of an organisation ("Ukraine's
military intelligence") is not the organisation. Outlets come
from metadata, the URL's host or an "Original Source:" line, else are unknown, never a file name. Each group gets a status from its originators: the
canonical entities (or, unlinked, the words) the figures are attributed to, however many outlets
relay them:

    corroborated    two or more independent originators, all within `agreement_tolerance` of each
                    other (sources the text does not name, "police", "a spokesman", count as one)
    conflicting     named originators disagree beyond it, by less than `conflict_max_ratio`, at the
                    same time (the same day when both are dated to the day; a month holds its days)
                    (also across related groups: a casualties figure against the killed + wounded
                    one originator gave)
    evolving        one originator whose figure changed from one date to another; originators who
                    differ at different times; or differ while one of them revised its own count
                    (1, then 5, then 24) and no date proves they spoke at the same time, or gave
                    differing figures on one day (a district's and the province's: parts of a whole)
    single-source   one originator, however many outlets repeat it
    unattributed    only figures the reporters state themselves

A source the text does not name whose figure differs from a named originator's is set aside (the
note says so): the named originators decide the status.

A figure dated `history_years` or more before its document's own year (its publication's, else its
story's latest) belongs to a past event and is grouped with that year's figures ("killed: people in
2004"), never with today's; in a story no document of which is dated, so is any figure its text dates
to a year (the story's own figures say "on Sunday").

Near-copies (wire copy, light rewrites) and stories are found as each document is stored, from its
blocking keys (`extract.blocking`); an outlet whose text is a near-copy of another's is one outlet,
not two. Grouping works one story at a time and only on the stories that pending documents (or
entities that moved) touch, so adding a document redoes its story's groups and nothing else. It
holds one small row per figure of that story (ids, values, originator), never text.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Optional
from urllib.parse import urlsplit

from .extract.attribution import LEADING_ARTICLE, PRONOUN_SOURCES, names_someone
from .extract.entities import name_key
from .models import Group, make_id
from .settings import Settings, load_settings
from .store import Ledger, chunks, marks

WORD = re.compile(r"\w+")
INFINITY = float("inf")


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
    outlet: Optional[str]  # None: not known (no metadata, URL or "Original Source:" line names it)
    conversion: bool = False  # the same sum in another currency, right after it ("$9.4bn (£4.8bn)")
    source_text: Optional[str] = None  # the words that name the source ("Velmnet spokesman Tomas Brenn")


MEASURES = ("percent", "money", "distance", "speed", "area", "weight", "magnitude")


def subject_of(counted: Optional[str], category: str, settings: Settings) -> str:
    """What a figure counts, as one word: people for soldiers, troops, North Koreans, them (every
    figure of a toll counts people, children a part of them); a measure of the whole event (a
    quake's magnitude) itself, whatever the phrase around it ("a magnitude 7.6 quake", "the
    tremor"); what a measure measures ("depth in kilometers": depth), else the measure itself; whose
    age; else the head noun, with the place a count is counted in ("houses in tessel")."""
    people = set(settings["figures"]["people_nouns"]["words"])
    tolls = set(settings["figures"]["conflict_categories"])
    if category in tolls or category in settings["figures"]["people_verb_categories"]["categories"]:
        words = WORD.findall(without_scope(counted, settings).lower())
        minors = settings["group"]["children_nouns"]
        who = minors[0] if words and words[-1] in minors else settings["group"]["people_subject"]
        return who + toll_scope_key(counted, settings)
    if category in settings["group"]["whole_event_measures"]:
        return category
    if category in settings["group"]["value_grouped_measures"]:
        # "a depth of 10 km" is a depth; "135 km from the city", "chased him for 48 km": a distance,
        # told apart from the story's other distances by its value (`split_by_value`)
        words = set(WORD.findall((counted or "").split(" in ")[0].lower()))
        return next((d for d in settings["group"]["measure_dimensions"] if d in words), category)
    if category == "percent" and (counted or "").startswith(settings["figures"]["share_scope"] + " "):
        return " ".join(WORD.findall(counted.lower()))  # a share of one place's whole ("share in egypt")
    scope = ""
    if category in MEASURES:
        thing = (counted or "").split(" in ")[0]
    else:
        thing, scope = without_scope(counted, settings), toll_scope_key(counted, settings)
    words = WORD.findall(thing.lower())
    while category == "age" and len(words) > 1 and words[-1] in settings["group"]["name_suffixes"]:
        words.pop()  # "Tomas Varga III" is Varga
    head = words[-1] if words else ""
    if category in MEASURES and (not head or unit_factor(head, category, settings) is not None):
        return category
    if head in people or head.rstrip("s") in people:
        return settings["group"]["people_subject"] + scope
    return (head.rstrip("s") if len(head) > 3 else head) + scope


@functools.lru_cache(maxsize=64)
def one_of(words: tuple[str, ...]) -> str:
    """A regular expression matching any of these words, built once per list (regrouping a large
    ledger asks for the same few lists for every figure)."""
    return "|".join(map(re.escape, words))


def without_scope(counted: Optional[str], settings: Settings) -> str:
    """What a count counts without the place it is counted in ("houses in Tessel": houses)."""
    preps = one_of(tuple(settings["figures"]["scope_preps"]))
    return re.split(rf"\s(?:{preps})\s", counted or "", maxsplit=1)[0]


def toll_scope_key(counted: Optional[str], settings: Settings) -> str:
    """The scope written into what a toll counts ("people at the hospital": " at hospital"; "people
    seriously": " seriously"), as a key: figures of different scopes are different groups."""
    f = settings["figures"]
    severity = re.search(rf"(?:^|\s)({one_of(tuple(f['severity_scopes']))})(?=\s+(?:{one_of(tuple(f['scope_preps']))})\s|$)",
                         counted or "")
    key = f" {severity.group(1)}" if severity else ""
    part = re.search(rf"(?:^|\s){re.escape(f['partitive_scope'])}\s+(\w+)", counted or "")
    key += f" {f['partitive_scope']} {part.group(1).lower()}" if part else ""
    m = re.search(rf"(?:^|\s)({one_of((*f['scope_preps'], f['own_count_scope']))})\s+(.+)$", counted or "")
    if not m:
        return key
    words = WORD.findall(m.group(2).lower())
    return key + (f" {m.group(1)} {' '.join(words)}" if words else "")


def unit_factor(word: str, category: str, settings: Settings) -> Optional[float]:
    table = settings["figures"]["units"]
    # a speed may be written as a distance per hour ("120 miles an hour")
    tables = (table["speed"], table["distance"]) if category == "speed" else (table.get(category, {}),)
    for units in tables:
        for w in (word, word.rstrip("s"), word[:-2] if word.endswith("es") else word):
            if w in units:
                return float(units[w])
    return None


def scale_of(counted: Optional[str], category: str, settings: Settings) -> float:
    """The factor to the measure's base unit ("six miles" in kilometres), 1 for anything else."""
    if category not in settings["figures"]["units"] or not counted:
        return 1.0
    unit = counted.split(" in ")[-1].lower().split()
    return (unit and unit_factor(unit[-1], category, settings)) or 1.0


def outlet_of(outlet: Optional[str], url: Optional[str], cited: Optional[str]) -> Optional[str]:
    """The outlet a document is from: its metadata, else its URL's host, else the site its
    "Original Source:" line names; None when nothing says (never its file name)."""
    if outlet and outlet.strip():
        return outlet.strip()
    if url and "://" in url:
        host = urlsplit(url).hostname or ""
        if host:
            return host.removeprefix("www.")
    return cited or None


def interval(m: Member, tolerance: float) -> tuple[float, float]:
    """The values a figure allows, widened by half the tolerance: two figures whose intervals meet
    are then at most `tolerance` apart."""
    tolerance /= 2
    low = m.low if m.low is not None else 0.0
    high = m.high if m.high is not None else INFINITY
    if m.qualifier == "vague" and m.high is None:
        high = low * 10  # a vague amount read without its bound (`vague_bound` sets one when grouping)
    elif m.qualifier in ("exact", "approximate"):
        high = low if m.high is None else high
    return low * (1 - tolerance), high * (1 + tolerance)


def vague_bound(low: float, settings: Settings) -> float:
    """Below what a vague amount stays: the next number name above it. "Several hundred" and
    "hundreds" are under a thousand; "thousands" is under a million, so it is no rival to 14,000."""
    return min((u for u in set(settings["figures"]["scale_words"].values()) if u > low), default=low * 10)


def agree(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def point(m: Member) -> float:
    if m.low is not None and m.high is not None:
        return (m.low + m.high) / 2
    return m.low if m.low is not None else (m.high or 0.0)


def load_members(ledger: Ledger, settings: Settings, story: str) -> dict[tuple, list[Member]]:
    """Every figure of the story as a small member row, by group key (story, category, subject,
    increment). A near-copy counts as the document it copies."""
    keyed: dict[tuple, list[Member]] = defaultdict(list)
    whole_event: set[tuple] = set()
    by_value: set[tuple] = set()
    cited = {r["document_id"]: r["cited"] for r in ledger.rows(
        "SELECT c.document_id, min(c.cited) AS cited FROM citations c JOIN documents d ON d.id = c.document_id "
        "WHERE d.story = ? AND c.kind = 'original-source' GROUP BY c.document_id", (story,))}
    reach = settings["group"]["conversion_chars"]
    last_money: dict[str, tuple[int, Optional[str]]] = {}
    rows = ledger.rows(
            "SELECT q.id, q.document_id, coalesce(d.copy_of, d.id) AS original, q.low, q.high, q.qualifier, "
            "q.category, q.unit, q.\"start\", q.\"end\", "
            "q.counted, q.increment, q.source_text, q.as_of, e.canonical_id AS origin, e.name AS origin_name, "
            "d.outlet, d.url, d.published FROM documents d JOIN quantities q ON q.document_id = d.id "
            "LEFT JOIN resolved_entities e ON e.id = q.source_entity_id WHERE d.story = ? "
            "ORDER BY q.document_id, q.\"start\"", (story,))
    rows = list(rows)  # one story's figures: bounded by the story, not the ledger
    present = present_years(rows)
    places = main_places(ledger, story, settings["group"]["main_place_share"])
    describing = set(settings["group"]["no_conflict_categories"])  # an age is the age when reported
    subjects = [subject_of(r["counted"], r["category"], settings) for r in rows]
    heads = subject_heads(rows, subjects, settings)
    for r, subject in zip(rows, subjects):
        origin = r["origin"] or text_originator(r["source_text"])
        origin_name = r["origin_name"] or r["source_text"]
        if r["origin"] and is_part_of(r["source_text"], r["origin_name"]):
            # "Ukraine's military intelligence" is that body, not Ukraine
            origin, origin_name = f"text:{name_key(r['source_text'])}", r["source_text"]
        outlet = outlet_of(r["outlet"], r["url"], cited.get(r["document_id"]))
        conversion = False
        if r["category"] == "money":
            before = last_money.get(r["document_id"])
            conversion = bool(before and r["unit"] and before[1] and before[1] != r["unit"]
                              and r["start"] - before[0] <= reach)
            last_money[r["document_id"]] = (r["end"], r["unit"])
        factor = scale_of(r["counted"], r["category"], settings)
        low = r["low"] * factor if r["low"] is not None else None
        high = r["high"] * factor if r["high"] is not None else None
        if r["qualifier"] == "vague" and low is not None and high is None:
            high = vague_bound(low, settings)
        shared = shared_head(without_scope(r["counted"], settings), r["category"], heads, subject)
        subject = shared + toll_scope_key(r["counted"], settings) if shared else subject
        if not subject.startswith(settings["figures"]["share_scope"] + " "):  # Egypt's share, whatever the story
            subject = without_main_place(subject, places, settings)
        year = year_of(r["as_of"])
        measure = r["category"] in settings["group"]["whole_event_measures"] + settings["group"]["value_grouped_measures"]
        if year and r["category"] not in describing and is_past(r["as_of"], None if measure else r["published"],
                                                                present.get(r["document_id"]), settings):
            # a past event's figure ("170 died in the 2004 tsunami"); in a story nothing dates, a
            # figure its text dates to a year is one too (the story's own are "on Sunday")
            subject += "" if subject.endswith(f" in {year}") else f" in {year}"
        severity = any(f" {scope}" in subject for scope in settings["figures"]["severity_scopes"])
        # "30 seriously hurt", "261 other got minor injuries": a part of the toll, "other" or not
        key = (story, r["category"], subject, bool(r["increment"]) and not severity)
        if r["category"] in settings["group"]["whole_event_measures"]:
            whole_event.add(key)
        elif r["category"] in settings["group"]["value_grouped_measures"]:
            by_value.add(key)
        keyed[key].append(Member(r["id"], r["original"], low, high, r["qualifier"],
                                 origin, origin_name, r["as_of"] or r["published"], outlet, conversion,
                                 r["source_text"]))
    for key in whole_event:
        keyed.update(split_by_value(keyed.pop(key), key, settings["group"]["same_event_within"]))
    for key in by_value:
        keyed.update(split_by_value(keyed.pop(key), key, settings["group"]["agreement_tolerance"], relative=True))
    apart = settings["group"]["apart_ratio"]
    for key in [k for k in keyed if k[1] in settings["group"]["apart_categories"]]:
        keyed.update(split_far_apart(keyed.pop(key), key, apart))
    similarity = settings["link"]["name_similarity"]
    said: dict[str, set[str]] = defaultdict(set)  # the words that name each originator, all over the story
    for members in keyed.values():
        for m in members:
            if m.originator and m.source_text:
                said[m.originator].add(f" {name_key(m.source_text)} ")
    suffixes = frozenset(settings["group"]["legal_suffixes"])
    spokes = tuple(settings["group"]["spokes_roles"])
    return {key: speaking_for(one_name_one_originator(members, similarity), said, suffixes, spokes)
            for key, members in keyed.items()}


UNNAMED = "someone:"  # the id prefix of an originator the text does not name ("police", "a spokesman")


def text_originator(source_text: Optional[str]) -> Optional[str]:
    """The originator of a figure whose source no entity stands for: its words, named ("Kyiv's
    Defence Intelligence") or not ("police", "local officials"); none for a pronoun."""
    if not source_text:
        return None
    if names_someone((None, source_text)):
        return f"text:{name_key(source_text)}"
    words = name_key(LEADING_ARTICLE.sub("", source_text))
    return f"{UNNAMED}{words}" if words and words not in PRONOUN_SOURCES else None


def is_named(originator: str) -> bool:
    return not originator.startswith(UNNAMED)


def independent(originators) -> int:
    """How many independent originators: those the text names, and the unnamed ones as one
    ("police" and "authorities" may be one body)."""
    named = {o for o in originators if is_named(o)}
    return len(named) + (len(named) < len(set(originators)))


def split_by_value(members: list[Member], key: tuple, within: float,
                   relative: bool = False) -> dict[tuple, list[Member]]:
    """A measure's figures, one group per thing measured: values in runs no more than `within` apart
    (7.6 and 7.7 are one quake's magnitude as two agencies measured it; 7.3 is another quake, 5.0 an
    aftershock), or, `relative`, no more than that share of the larger apart (48 km and "about 30
    miles" are one chase; 135 km from the city is another distance), each run keyed by its lowest
    value. A figure without a low value joins the run its high value falls in; a floor ("more than
    100 mph") stands at the edge of what agrees with it, its value and that share more, so it joins
    the run just above it (193 km/h) rather than making a run of its own."""
    def place(m: Member) -> float:
        return m.low * (1 + within) if relative and m.qualifier == "floor" and m.high is None else point(m)

    runs: list[list[float]] = []
    for value in sorted({place(m) for m in members}):
        gap = value - runs[-1][-1] if runs else INFINITY
        if runs and gap <= (within * value if relative else within):
            runs[-1].append(value)
        else:
            runs.append([value])
    by_run: dict[int, list[Member]] = defaultdict(list)
    for m in members:
        by_run[next(i for i, r in enumerate(runs) if r[0] <= place(m) <= r[-1])].append(m)
    return {(*key[:2], f"{key[2]} {min(point(m) for m in run):g}", *key[3:]): run for run in by_run.values()}


def split_far_apart(members: list[Member], key: tuple, ratio: float) -> dict[tuple, list[Member]]:
    """Figures of one subject in runs no more than `ratio` times apart: "18 houses" beside "1,600
    houses", "one man" beside "12 people", count a part and a whole, not one thing, unless every
    smaller figure is dated before the larger one (a toll that rose from 2 to 40 as counts came in).
    A vague amount reaches up to its bound ("hundreds" meets 900). The run of the smallest values
    keeps the key; each other run is keyed by its lowest value."""
    def low(m: Member) -> float:
        return m.low if m.low is not None else (m.high or 0.0)

    def high(m: Member) -> float:
        return m.high if m.high is not None and m.high != INFINITY else low(m)

    out: dict[tuple, list[Member]] = defaultdict(list)
    run_key, reach, latest, undated = key, None, "", False  # the run so far: its top, its latest date
    for m in sorted(members, key=low):
        rose = not undated and bool(m.as_of) and m.as_of > latest
        if reach is not None and low(m) > reach * ratio and not rose:
            run_key = (*key[:2], f"{key[2]} {low(m):g}", *key[3:])
            reach, latest, undated = None, "", False
        undated = undated or not m.as_of
        latest = max(latest, m.as_of or "")
        reach = max(reach or 0.0, high(m))
        out[run_key].append(m)
    return out


def subject_heads(rows, subjects: list[str], settings: Settings) -> dict[str, dict[str, int]]:
    """For each kind of count, how many of the story's figures each head noun heads ("cables": 5)."""
    heads: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r, subject in zip(rows, subjects):
        if r["category"] in settings["group"]["noun_shared_categories"]:
            heads[r["category"]][subject] += 1
    return heads


def shared_head(counted: Optional[str], category: str, heads: dict[str, dict[str, int]],
                own: str) -> Optional[str]:
    """The story's most used head noun among the words of what a count counts, a word of it before
    its own head (`own`) on a tie: "three cable systems" counts what "two undersea cables" does."""
    if category not in heads or not counted:
        return None
    words = {w.rstrip("s") if len(w) > 3 else w for w in WORD.findall(counted.lower())}
    found = [h for h in words if heads[category].get(h)]
    return max(found, key=lambda h: (heads[category][h], h != own, h)) if len(found) > 1 else None


def year_of(as_of: Optional[str]) -> Optional[int]:
    return int(as_of[:4]) if as_of and as_of[:4].isdigit() else None


def without_main_place(subject: str, places: set[str], settings: Settings) -> str:
    """A subject without a scope that is the story's own place ("people in papua", "people across
    papua" in a story of a Papua quake, "cables in the mediterranean sea" in one of cables cut in
    the Mediterranean): the place of the whole is no part of it."""
    preps = one_of(tuple(settings["figures"]["scope_preps"]))
    nouns = one_of(tuple(settings["group"]["place_name_suffixes"]))
    for place in sorted(places, key=len, reverse=True):
        # "in the mediterranean sea" is "in the mediterranean"
        subject = re.sub(rf"\s(?:{preps})\s(?:the\s)?{re.escape(place)}(?:\s(?:{nouns}))?$", "", subject)
    return subject


def is_past(as_of: str, published: Optional[str], now: Optional[int], settings: Settings) -> bool:
    """Whether a figure dated `as_of` is a past event's: `history_years` before its document's own
    year (`now`; None: its story is undated, and any dated figure is), or, dated to the month in a
    document published on a known day, `past_event_days` before it ("In April last year a quake
    killed five" in July of the next year). Measures grouped by value pass no `published`: their
    value tells events apart."""
    table = settings["group"]
    if now is None or now - int(as_of[:4]) >= table["history_years"]:
        return True
    month = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", as_of)
    day = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", published or "")
    if not (month and day):
        return False
    start = date(int(month[1]), int(month[2]), int(month[3] or 1))
    return (date(int(day[1]), int(day[2]), int(day[3])) - start).days >= table["past_event_days"]


def present_years(rows) -> dict[str, Optional[int]]:
    """Each document's own year: its publication's; else, undated, the latest publication year of its
    story (coverage of one story is of one time); None when no document of the story is dated."""
    published = {r["document_id"]: year_of(r["published"]) for r in rows}
    story_year = max((y for y in published.values() if y), default=None)
    return {document: year or story_year for document, year in published.items()}


def main_places(ledger: Ledger, story: str, share: float) -> set[str]:
    """The places (their words, lower case) at least `share` of the story's documents mention: where
    the whole story happens, so no scope of a part of it ("killed in Papua" in a story of a Papua quake)."""
    total = next(iter(ledger.rows("SELECT count(*) FROM documents WHERE story = ?", (story,))))[0]
    rows = ledger.rows(
        "SELECT lower(e.name), count(DISTINCT m.document_id) FROM mentions m JOIN documents d ON d.id = m.document_id "
        "JOIN entities e ON e.id = m.entity_id WHERE d.story = ? AND e.type IN ('GPE', 'LOC') GROUP BY lower(e.name)",
        (story,))
    return {" ".join(WORD.findall(r[0])) for r in rows if total > 1 and r[1] >= max(2, share * total)}


def is_part_of(source_text: Optional[str], entity_name: Optional[str]) -> bool:
    """Whether the source phrase names a part of the entity ("Ukraine's military intelligence",
    "the ministry's intelligence directorate") rather than the entity itself."""
    if not source_text or not entity_name:
        return False
    return bool(re.match(rf"(?:the\s+)?{re.escape(entity_name)}['’]s?\s+\w+", source_text, re.IGNORECASE))


def one_name_one_originator(members: list[Member], similarity: float) -> list[Member]:
    """Originators whose names are spellings of one name ("Ilene Wolfe", "Ilene Wolff") are one:
    each takes the id of the first of its spellings. Groups have few originators, so comparing
    them pairwise is cheap."""
    from rapidfuzz import fuzz

    names: dict[str, str] = {}
    for m in members:
        if m.originator and m.originator not in names:
            names[m.originator] = name_key(m.originator_name or "")
    same: dict[str, str] = {}
    firsts: list[str] = []
    for origin, key in names.items():
        match = next((f for f in firsts if key and names[f] and len(key) >= 6 and
                      fuzz.ratio(key, names[f]) >= similarity), None)
        if match is None:
            firsts.append(origin)
        same[origin] = match or origin
    if all(a == b for a, b in same.items()):
        return members
    return [dataclasses.replace(m, originator=same[m.originator]) if m.originator else m for m in members]


def speaking_for(members: list[Member], said: dict[str, set[str]], suffixes: frozenset = frozenset(),
                 spokes: tuple = ()) -> list[Member]:
    """One who speaks for another originator of the group is one originator with it: a spokesman
    (`spokes`) is the body, anyone else the body's figures join under the person's name; never a second
    source. `said` holds the words that name each originator anywhere in the story ("Velmnet
    spokesman Tomas Brenn", then "Brenn"); a body is named with or without its legal
    form (`suffixes`: "Ada Pell, Velmnet's director" speaks for Velmnet Plc)."""
    named = {m.originator: m.originator_name for m in members if m.originator and is_named(m.originator)}
    names = {origin: without_legal_form(name_key(name or ""), suffixes) for origin, name in named.items()}
    same = {}
    for origin in names:
        texts = said.get(origin, ())
        body = next((other for other, name in sorted(names.items()) if other != origin and len(name) >= 4
                     and name != names[origin] and name not in names[origin]
                     and any(f" {name} " in text for text in texts)), None)
        if body:
            same[origin] = body
    same = {origin: body for origin, body in same.items() if body not in same}  # never a chain or a swap
    # a spokesman's words are the body's; a director or an official who gives a figure is one voice with
    # the body, named as the person ("Ada Pell, Velmnet's director": Pell)
    spoken_for = {body for origin, body in same.items()
                  if any(f" {role} " in text for text in said.get(origin, ()) for role in spokes)}
    voice: dict[str, str] = {}
    for origin, body in sorted(same.items()):
        if body in spoken_for:
            voice[origin] = body  # the body stands; its spokesman, and anyone else of it, join it
        elif body not in voice:
            voice[body] = origin  # the body's figures join the first person who speaks for it
        else:
            voice[origin] = voice[body]
    if not voice:
        return members
    return [dataclasses.replace(m, originator=voice[m.originator], originator_name=named[voice[m.originator]])
            if m.originator in voice else m for m in members]


def without_legal_form(name: str, suffixes: frozenset) -> str:
    words = name.split()
    return " ".join(words[:-1]) if len(words) > 1 and words[-1] in suffixes else name


def relayed_by(members: list["Member"]) -> str:
    outlets = {m.outlet for m in members if m.outlet}
    unknown = {m.document for m in members if not m.outlet}
    if not outlets:
        return f"in {len(unknown)} document(s) of unknown outlet"
    said = f"relayed by {len(outlets)} outlet(s)"
    return said + (f" and {len(unknown)} document(s) of unknown outlet" if unknown else "")


def assess(members: list[Member], tolerance: float, can_conflict: bool = True,
           tally: bool = False, max_ratio: float = INFINITY) -> tuple[str, str]:
    """The group's status and a one-line note saying why. Each originator's figures are reduced to
    their distinct value intervals and as-of dates, and intervals are compared by a sweep, so a group's
    cost grows with its size times its number of originators, not with its size squared. A sum
    restated in another currency is not compared; figures that describe one thing (`can_conflict`
    false: an age, a duration) that differ are evolving at most. A source the text does not name
    ("officials") whose figure differs from a named one's is neither a rival nor a second voice: the
    named decide, and the note says it differs."""
    by_origin: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        if m.originator and not m.conversion:
            by_origin[m.originator].append(m)
    if not by_origin:
        return "unattributed", "no figure here is attributed to a source"
    spans = {o: sorted({interval(m, tolerance) for m in ms}) for o, ms in by_origin.items()}
    dates = {o: {m.as_of or "" for m in ms} for o, ms in by_origin.items()}
    origins = list(by_origin)
    mixed = {o for o in origins if differs_with_itself(by_origin[o], tolerance)}
    drift = None
    unheld: set[str] = set()  # unnamed sources whose figure differs from a named one's
    for i, a in enumerate(origins):
        for b in origins[i + 1:]:
            if any_overlap(spans[a], spans[b]):
                continue
            known = all(dates[a]) and all(dates[b])
            moving = not known and (revised(spans[a]) or revised(spans[b]))
            if can_conflict and not moving and not mixed & {a, b} and is_named(a) and is_named(b) and \
                    comparable(spans[a], spans[b], max_ratio) and \
                    any(same_time(x, y) for x in dates[a] for y in dates[b]):
                return "conflicting", f"{name_of(by_origin[a])} and {name_of(by_origin[b])} disagree"
            if is_named(a) != is_named(b) and not moving:
                unheld.add(b if is_named(a) else a)  # neither a rival nor a second voice
                continue
            pair = f"{name_of(by_origin[a])} and {name_of(by_origin[b])} differ"
            parts = next((name_of(by_origin[o]) for o in (a, b) if o in mixed), None)
            drift = drift or (f"{pair}, and the count was revised as it was reported" if moving else
                              f"{pair}; {parts} gives different figures on one day, parts of a whole"
                              if parts else
                              f"{pair}; sources the text does not name are not held to rival counts"
                              if not (is_named(a) and is_named(b)) else f"{pair}, at different times")
    if drift:
        return "evolving", drift
    aside = "".join(f"; {name_of(by_origin[o])} differs, a source the text does not name" for o in sorted(unheld))
    origins = [o for o in origins if o not in unheld]
    kept = [m for o in origins for m in by_origin[o]]
    if tally and independent(origins) >= 2:
        # a toll whose originators agree only because counts so far are floors: it is rising ("dozens"
        # says nothing of a rise: it agrees with any count above a dozen)
        points = sorted(point(m) for m in kept if m.qualifier == "floor")
        exact = sorted(point(m) for m in kept if m.qualifier not in ("floor", "vague"))
        values = points + exact
        if points and max(values) > min(values) * (1 + tolerance):
            return "evolving", f"the count rose from {min(values):,.0f} to {max(values):,.0f} as it was updated"
    if independent(origins) >= 2:
        return "corroborated", f"{independent(origins)} independent originators agree within {tolerance:.0%}{aside}"
    dated = sorted((m for m in kept if m.as_of), key=lambda m: m.as_of)
    if len({point(m) for m in dated}) > 1 and len({m.as_of for m in dated}) > 1:
        return "evolving", f"{name_of(kept)} changed the figure from {dated[0].as_of} to {dated[-1].as_of}"
    return "single-source", f"one originator, {name_of(kept)}, {relayed_by(kept)}{aside}"


def comparable(a: list[tuple[float, float]], b: list[tuple[float, float]], max_ratio: float) -> bool:
    """Whether two originators' figures are near enough to be rival counts of one thing: some value
    of each within `max_ratio` of one of the other. A family's "six children" beside a province's
    14,000 displaced counts a part, not the same thing; they differ without disagreeing."""
    def ratio(x: tuple[float, float], y: tuple[float, float]) -> float:
        lo, hi = max(x[0], y[0]), min(x[1], y[1])
        if lo <= hi:
            return 1.0
        return lo / hi if hi > 0 else INFINITY
    return any(ratio(x, y) <= max_ratio for x in a for y in b)


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
    """Whether two as-of dates may be the same time: equal as far as the less precise one goes
    ("2024-11" and "2024-11-03" may be; "2025-07-02" and "2025-07-03" are two days), or one unknown."""
    return not a or not b or a.startswith(b) or b.startswith(a)


def differs_with_itself(members: list[Member], tolerance: float) -> bool:
    """Whether one originator gives figures that disagree on the same day (a district's 40 houses and
    the province's 300, both on 2 July): the group holds parts of a whole as well as the whole, so
    another originator's differing figure may count another part; it is no proof of a conflict."""
    by_day: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for m in members:
        if m.as_of and len(m.as_of) == 10:
            by_day[m.as_of].append(interval(m, tolerance))
    return any(revised(spans) for spans in by_day.values())  # linear: intervals meet pairwise iff all do


def revised(spans: list[tuple[float, float]]) -> bool:
    """Whether one originator gave figures that cannot all hold at once (1, then 5, then 24): it
    updated its count, so the count is moving and others' differing figures may be earlier or later."""
    return bool(spans) and max(low for low, _ in spans) > min(high for _, high in spans)


def name_of(members: list[Member]) -> str:
    return members[0].originator_name or "an unnamed source"


def compare_parts(total: list[Member], parts: dict[str, list[Member]], tolerance: float) -> Optional[str]:
    """A casualties figure against another originator's killed + wounded: a note when they disagree."""
    names = {m.originator: m.originator_name or "?" for ms in parts.values() for m in ms if m.originator}
    both = set.intersection(*({m.originator for m in parts.get(c, []) if m.originator}
                              for c in ("killed", "wounded")))  # only who gave both has a sum
    sums = {origin: 0.0 for origin in both}
    for category in ("killed", "wounded"):
        by_origin = {m.originator: point(m) for m in parts.get(category, []) if m.originator in both}
        for origin in both:
            sums[origin] += by_origin[origin]
    for origin, value in sums.items():
        for m in total:
            if m.originator and m.originator != origin and is_named(m.originator) and is_named(origin):
                derived = Member("", "", value, value, "exact", origin, names[origin], None, "")
                if not agree(interval(derived, tolerance), interval(m, tolerance)) and \
                        same_time(m.as_of, parts_as_of(parts, origin)):
                    return (f"{names[origin]}'s killed + wounded ({value:,.0f}) and {m.originator_name}'s "
                            f"casualties ({point(m):,.0f}) disagree")
    return None


def parts_as_of(parts: dict[str, list[Member]], origin: str) -> Optional[str]:
    return next((m.as_of for ms in parts.values() for m in ms if m.originator == origin), None)


def plan_groups(ledger: Ledger, story: str, settings: Optional[Settings] = None) -> list[Group]:
    """The groups of one story."""
    settings = settings or load_settings()
    tolerance = settings["group"]["agreement_tolerance"]
    conflict = set(settings["figures"]["conflict_categories"])
    no_conflict = set(settings["group"]["no_conflict_categories"])
    keyed = load_members(ledger, settings, story)
    ids = {key: make_id("group", *key) for key in keyed}
    groups = []
    for key, members in keyed.items():
        story, category, subject, increment = key
        if category not in conflict and len({m.document for m in members}) < 2:
            continue
        status, note = assess(members, tolerance, category not in no_conflict,
                              category in settings["figures"]["people_verb_categories"]["categories"],
                              settings["group"]["conflict_max_ratio"])
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
            outlets=tuple(sorted({m.outlet for m in members if m.outlet})), related=related, note=note))
    return groups


def stale_stories(ledger: Ledger) -> set[str]:
    """Stories whose groups must be redone: those of pending documents, merged ones, and those
    whose figures' originators moved."""
    stories = set(ledger.pending("story"))
    for chunk in chunks(ledger.pending("document")):
        stories.update(r[0] for r in ledger.rows(
            f"SELECT DISTINCT story FROM documents WHERE id IN ({marks(chunk)})", tuple(chunk)))
    return stories


def regroup(ledger: Ledger) -> int:
    """Redoes the groups of every stale story, one story at a time, and clears the pending work,
    in one transaction; returns the number of groups in the ledger."""
    settings = load_settings()
    with ledger.transaction():
        documents = ledger.pending("document")
        ledger.split_mixed_stories(stale_stories(ledger))
        for story in sorted(stale_stories(ledger)):
            ledger.replace_story_groups(story, plan_groups(ledger, story, settings))
        ledger.clear_pending("story", ledger.pending("story"))
        ledger.clear_pending("document", documents)
    return ledger.count("groups")
