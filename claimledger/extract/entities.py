"""Entity mentions and the canonical entity each refers to, within one document.

spaCy's entities are corrected from context (one label per surface in a document, a name that
speaks is a person, titles stripped), then short forms are linked to the full name they abbreviate:
a surname or given name to the nearest full name that contains it, an acronym to the organisation
whose initials it spells. Entity ids hash the type and a normalised name, so the same person in two
documents gets the same id without any cross-document step.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from ..annotate import text_of
from ..models import Entity, Mention, make_id
from ..settings import Settings

POSSESSIVE = re.compile(r"[’']s?$")
NON_WORD = re.compile(r"[^\w]+")
LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
# Labels the small model gives to names that are people when context says so ("Sokil Park explains").
PERSONISH_LABELS = {"LOC", "NORP", "PRODUCT", "FAC", "WORK_OF_ART"}


@dataclass
class Found:
    start: int
    end: int
    surface: str
    label: str
    sentence: int


def name_key(name: str) -> str:
    """A name as compared across documents: case, dots, hyphens and spacing ignored."""
    return " ".join(NON_WORD.sub(" ", name.replace(".", "")).lower().split())


def entity_id(label: str, name: str) -> str:
    return make_id(label, name_key(name))


def extract_entities(doc, document_id: str, settings: Settings) -> tuple[list[Entity], list[Mention]]:
    found = corrected_spans(doc, settings)
    canon = link_short_forms(found)
    entities: dict[str, Entity] = {}
    aliases: dict[str, set[str]] = {}
    mentions = []
    for f in found:
        full = canon[id(f)]
        eid = entity_id(full.label, full.surface)
        entities.setdefault(eid, Entity(eid, full.surface, full.label))
        aliases.setdefault(eid, set()).add(f.surface)
        mentions.append(Mention(make_id(document_id, f.start, f.end), document_id, eid,
                                f.start, f.end, f.surface))
    out = [Entity(e.id, e.name, e.type, tuple(sorted(aliases[e.id] - {e.name}))) for e in entities.values()]
    return out, mentions


def corrected_spans(doc, settings: Settings) -> list[Found]:
    labels = set(settings["entities"]["labels"])
    cues = set(settings["attribution"]["cue_verbs"])
    titles = settings["entities"]["titles"]
    roles = frozenset(settings["attribution"]["person_role_nouns"])
    raw = []
    for ent in doc.ents:
        start, end, surface = trim_name(text_of(doc), ent.start_char, ent.end_char, titles, roles)
        if not surface or not any(ch.isupper() for ch in surface[:1]):
            continue
        label = ent.label_
        if label == "PERSON" and any(t.pos_ in ("VERB", "AUX") for t in ent):
            continue  # a headline fragment ("Kursk Wants"), not a name
        if label in PERSONISH_LABELS and (speaks(ent, cues) or has_title_before(text_of(doc), start, titles)):
            label = "PERSON"
        sentence = ent.sent.start if ent.sent is not None else 0
        raw.append(Found(start, end, surface, label, sentence))
    person_surfaces = {f.surface for f in raw if f.label == "PERSON"}
    also_places = {f.surface for f in raw if f.label in ("GPE", "LOC")}  # what the model said elsewhere
    name_parts = person_name_parts(raw)
    outlets = outlet_names(text_of(doc), settings)
    for f in raw:
        if f.surface in outlets and f.surface not in name_parts:
            f.label = "ORG"
    votes = Counter((f.surface, f.label) for f in raw)
    labels_of: dict[str, list[str]] = {}  # each surface's labels, in the order they were first voted
    for surface, label in votes:
        labels_of.setdefault(surface, []).append(label)
    for f in raw:
        if (f.surface in person_surfaces and f.label in PERSONISH_LABELS | {"GPE", "PERSON"}) or \
                (f.surface in name_parts and f.label in ("ORG", "GPE")):
            f.label = "PERSON"
        else:
            f.label = max(labels_of[f.surface], key=lambda lab: votes[(f.surface, lab)])
    for surface in places_taken_for_people(doc, raw, settings, also_places):
        for f in raw:
            if f.surface == surface:
                f.label = "GPE"
    common = capitalised_common_words(doc, raw)
    kept = [f for f in raw if f.label in labels and f.surface not in common]
    return sorted(kept + propagated_names(doc, kept, settings), key=lambda f: f.start)


def capitalised_common_words(doc, found: list[Found]) -> set[str]:
    """One-word "organisations" and "places" that are common nouns with a capital ("the Bishop",
    "Budget", "Election"): the text also writes the word in lower case, or the tagger reads it as a
    common noun after "the". Names of people are left alone (a surname can be a word: "Mr Brown")."""
    text = text_of(doc)
    out = set()
    for f in found:
        if f.label == "PERSON" or " " in f.surface or not f.surface[:1].isupper() or f.surface.isupper():
            continue
        span = doc.char_span(f.start, f.end, alignment_mode="expand")
        if span is None or len(span) != 1:
            continue
        after_the = span.start > 0 and doc[span.start - 1].lower_ == "the"
        if span[0].pos_ == "NOUN" and after_the or written_in_lower_case(text, f.surface):
            out.add(f.surface)
    return out


@lru_cache(maxsize=1)
def _lower_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[^\W\d_]+", text) if w.islower())


def written_in_lower_case(text: str, word: str) -> bool:
    """Whether the text also writes the word all in lower case ("the budget" beside "Budget")."""
    return word.lower() in _lower_words(text)


def places_taken_for_people(doc, found: list[Found], settings: Settings, also_places: set[str] = frozenset()
                            ) -> set[str]:
    """One-word "people" that the text only ever puts where places go: after a locative preposition
    ("the win at Blackburn"), before a place noun ("in Suka Makmur village") or after one and "of"
    ("the port city of Velm"), never speaking and never with a title: places the small model labelled
    as people. A name the model also called a place elsewhere needs only one such mention."""
    table = settings["entities"]
    preps, nouns = set(table["locative_preps"]), set(table["place_nouns"])
    cues = set(settings["attribution"]["cue_verbs"])
    by_surface: dict[str, list[Found]] = {}
    for f in found:
        by_surface.setdefault(f.surface, []).append(f)
    places = set()
    for surface, items in by_surface.items():
        if any(f.label != "PERSON" for f in items):
            continue
        spans = [doc.char_span(f.start, f.end, alignment_mode="expand") for f in items]
        if any(span is None for span in spans):
            continue
        def placed(span) -> bool:
            before = doc[span.start - 1].lower_ if span.start > 0 else ""
            after = doc[span.end].lower_ if span.end < len(doc) else ""
            named_place = before == "of" and span.start > 1 and doc[span.start - 2].lower_ in nouns
            return before in preps or after in nouns or named_place
        enough = any if surface in also_places else all
        if enough(placed(span) for span in spans) and not any(speaks(span, cues) for span in spans) and \
                not any(has_title_before(text_of(doc), f.start, table["titles"]) for f in items):
            places.add(surface)
    return places


def outlet_names(text: str, settings: Settings) -> set[str]:
    """Names the text cites as outlets ("told Chosun Ilbo", "Suspilne and Hromadske reported"):
    organisations, whatever the model says."""
    names = set()
    for pattern in settings.citation_patterns:
        for m in pattern.finditer(text):
            names.update(n.strip().rstrip(".") for n in re.split(r"\s+and\s+", m.group("outlet")))
    return names


def person_name_parts(found: list[Found]) -> set[str]:
    """First and last words of multi-word person names that the model never labels otherwise."""
    other = {f.surface for f in found if f.label != "PERSON"}
    parts = {part for f in found if f.label == "PERSON" and len(f.surface.split()) > 1
             for part in (f.surface.split()[0], f.surface.split()[-1])}
    return parts - {s for s in other if s in parts and not _only_org_or_gpe(s, found)}


def _only_org_or_gpe(surface: str, found: list[Found]) -> bool:
    return all(f.label in ("ORG", "GPE", "PERSON") for f in found if f.surface == surface)


def propagated_names(doc, found: list[Found], settings: Settings) -> list[Found]:
    """Occurrences the model missed of names it found elsewhere in the document ("Ri told ...",
    "Pak highlighted"): the full names, and the first and last words of multi-word person names."""
    min_part = settings["entities"]["min_name_part_chars"]
    names: dict[str, str] = {}
    for f in found:
        names.setdefault(f.surface, f.label)
    for f in found:
        parts = f.surface.split()
        if f.label == "PERSON" and len(parts) > 1:
            for part in (parts[0], parts[-1]):
                if len(part) >= min_part and part[:1].isupper():
                    names.setdefault(part, "PERSON")
    if not names:
        return []
    pattern = re.compile(r"(?<![\w-])%s(?![\w-])" % names_pattern(names))
    taken = sorted((f.start, f.end) for f in found)
    starts = [s for s, _ in taken]
    reach = list(itertools.accumulate((e for _, e in taken), max))  # the furthest end up to each span
    out = []
    for m in pattern.finditer(text_of(doc)):
        before = bisect.bisect_left(starts, m.end())  # the spans that start before this match ends
        if before and reach[before - 1] > m.start():  # ...one of which ends after it starts
            continue
        span = doc.char_span(m.start(), m.end())
        if span is None or not all(t.pos_ == "PROPN" or t.is_title or t.is_upper for t in span):
            continue
        out.append(Found(m.start(), m.end(), m.group(0), names[m.group(0)], span.sent.start))
    return out


def names_pattern(names) -> str:
    """A regular expression matching any of the names, the longest where several fit, as a trie: one
    alternation of thousands of names is tried name by name at every character of the text."""
    trie: dict = {}
    for name in names:
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}

    def branch(node: dict) -> str:
        alternatives = [re.escape(ch) + branch(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            alternatives.append("")  # the name may end here: tried after every longer one
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:%s)" % "|".join(alternatives)

    return branch(trie)


DASHED_WORD = re.compile(r"(?<=[a-z.])-([a-z]+)$")


def trim_name(text: str, start: int, end: int, titles: list[str], roles: frozenset = frozenset()
              ) -> tuple[int, int, str]:
    """The name inside an entity span: no leading "the", title, trailing possessive or role hung on
    by a dash typed without spaces ("Ada Pell-director of ..."; "Ryu Seong-hyeon" keeps his)."""
    surface = text[start:end]
    m = LEADING_THE.match(surface)
    if m:
        start += m.end()
    surface = text[start:end]
    m = POSSESSIVE.search(surface)
    if m and len(surface) > m.end() - m.start() + 1:
        end -= len(m.group(0))
    surface = text[start:end]
    m = _leading_title(tuple(titles)).match(surface)
    if m:
        start += m.end()
    m = DASHED_WORD.search(text[start:end])
    if m and m.group(1) in roles:
        end -= len(m.group(0))
    surface = text[start:end].strip()
    return start, start + len(surface), surface


def speaks(ent, cues: set[str]) -> bool:
    """A name whose next word (past an appositive) is a reporting verb: a person talking."""
    doc = ent.doc
    i = ent.end
    if i < len(doc) and doc[i].text == ",":
        close = next((j for j in range(i + 1, min(len(doc), i + 14)) if doc[j].text == ","), None)
        if close is None:
            return False
        i = close + 1
    return i < len(doc) and doc[i].pos_ in ("VERB", "AUX") and doc[i].lemma_.lower() in cues


@functools.lru_cache(maxsize=8)
def _leading_title(titles: tuple[str, ...]) -> re.Pattern:
    """A title opening a name ("President ", "Dr. "), longest first: one pattern, compiled once."""
    return re.compile(r"(?:%s)\.?\s+(?=[A-Z])" % ("|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True)) or "(?!)"),
                      re.IGNORECASE)


def has_title_before(text: str, start: int, titles: list[str]) -> bool:
    before = text[max(0, start - 25):start].rstrip().lower().rstrip(".")
    return any(before.endswith(t) and (len(before) == len(t) or not before[-len(t) - 1].isalnum())
               for t in titles)


def link_short_forms(found: list[Found]) -> dict[int, Found]:
    """For each mention, the mention whose name is its canonical form."""
    canon: dict[int, Found] = {}
    full_names = [f for f in found if len(f.surface.split()) > 1]
    by_word: dict[str, list[tuple[int, int, Found]]] = {}  # (start, order, full name) under each key
    by_initials: dict[str, list[tuple[int, int, Found]]] = {}
    for k, full in enumerate(full_names):
        if full.label == "PERSON":
            for word in set(full.surface.replace("-", " ").split()):
                by_word.setdefault(word, []).append((full.start, k, full))
        elif full.label in ("ORG", "GPE"):
            by_initials.setdefault(initials(full.surface), []).append((full.start, k, full))
    for table in (by_word, by_initials):
        for entries in table.values():
            entries.sort(key=lambda e: e[:2])
    for f in found:
        canon[id(f)] = _indexed_full_form(f, by_word, by_initials) or f
    return canon


def _indexed_full_form(short: Found, by_word: dict, by_initials: dict) -> Optional[Found]:
    """`best_full_form` over the full names indexed by word and by initials: the same choice (the
    nearest full name before, else the first after), without reading every full name per mention."""
    tokens = short.surface.split()
    if len(tokens) > 1:
        return None
    word = tokens[0]
    lists = []
    if short.label == "PERSON" and word in by_word:
        lists.append(by_word[word])
    if word.isupper() and len(word) >= 2 and word in by_initials:
        lists.append(by_initials[word])
    before, after = [], []
    for entries in lists:
        starts = [e[0] for e in entries]
        i = bisect.bisect_left(starts, short.start)
        if i:
            j = bisect.bisect_left(starts, starts[i - 1])  # the first of the latest start before
            before.append(entries[j])
        after.append(entries[0])
    chosen = max(before, key=lambda e: (e[0], -e[1])) if before else min(after, key=lambda e: e[:2], default=None)
    return chosen[2] if chosen else None


def best_full_form(short: Found, full_names: list[Found]) -> Optional[Found]:
    tokens = short.surface.split()
    if len(tokens) > 1:
        return None
    word = tokens[0]
    candidates = []
    for full in full_names:
        if full.label == "PERSON" and short.label == "PERSON" and word in full.surface.replace("-", " ").split():
            candidates.append(full)
        elif full.label in ("ORG", "GPE") and word.isupper() and len(word) >= 2 and initials(full.surface) == word:
            candidates.append(full)
    if not candidates:
        return None
    before = [c for c in candidates if c.start < short.start]
    if before:
        return max(before, key=lambda c: c.start)
    return min(candidates, key=lambda c: c.start)


def initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", name) if w[0].isupper())
