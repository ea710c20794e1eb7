"""Who said it: the originator of a figure or the speaker of a quote, read from the parse.

In order: a source phrase in the sentence ("according to X", "as per X", "citing X"); the subject of
a reporting verb that governs the item or stands nearest to it ("X said", "X estimates indicate",
a reporting clause after the figure); a pronoun or a common noun subject ("he", "the agency")
resolved to the nearest earlier entity of a fitting type. Nothing found means unattributed: a
source is never invented.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

from ..models import Entity, Mention
from ..settings import Settings

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "it", "we"}
LABEL_RANK = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}
PHRASE_END = re.compile(r"[,;:.!?()“”\"]|\s[-–—]\s")
SUBJECT_DEPS = ("nsubj", "nsubjpass")


@dataclass(frozen=True)
class Located:
    start: int
    end: int
    entity: str
    label: str


class MentionIndex:
    """The document's mentions in text order, with their entity type, for span look-ups."""

    def __init__(self, mentions: list[Mention], entities: list[Entity]):
        types = {e.id: e.type for e in entities}
        self.items = sorted((Located(m.start, m.end, m.entity, types.get(m.entity, "")) for m in mentions),
                            key=lambda x: x.start)
        self.starts = [x.start for x in self.items]

    def inside(self, start: int, end: int) -> list[Located]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.items) and self.items[i].start < end:
            if self.items[i].end <= end:
                out.append(self.items[i])
            i += 1
        return out

    def best_inside(self, start: int, end: int) -> Optional[Located]:
        found = self.inside(start, end)
        if not found:
            return None
        return min(found, key=lambda x: (LABEL_RANK.get(x.label, 9), -(x.end - x.start), x.start))

    def last_before(self, pos: int, labels: set[str]) -> Optional[Located]:
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            if self.items[i].label in labels and self.items[i].end <= pos:
                return self.items[i]
            i -= 1
        return None


def phrase_source(doc, sent, start: int, end: int, index: MentionIndex,
                  settings: Settings) -> Optional[tuple[Optional[str], str]]:
    """An "according to X" style source in the sentence, nearest to the item."""
    phrases = settings["attribution"]["source_phrases"]
    text = doc.text
    best = None
    pattern = re.compile(rf"\b(?:{'|'.join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))})\s+",
                         re.IGNORECASE)
    for m in pattern.finditer(text, sent.start_char, sent.end_char):
        if start <= m.start() < end:
            continue
        tail = text[m.end():sent.end_char]
        stop = PHRASE_END.search(tail)
        phrase_end = m.end() + (stop.start() if stop else len(tail))
        phrase = text[m.end():phrase_end].strip()
        if not phrase or len(phrase.split()) > 12 or not phrase[:1].isalpha():
            continue
        if m.end() <= start < phrase_end:
            continue
        distance = abs(m.start() - start)
        if best is None or distance < best[0]:
            best = (distance, m.end(), phrase_end, phrase)
    if best is None:
        return None
    _, p_start, p_end, phrase = best
    located = index.best_inside(p_start, p_end)
    return (located.entity if located else None), phrase


def reporting_verbs(sent, settings: Settings) -> list:
    cues = set(settings["attribution"]["cue_verbs"])
    return [t for t in sent if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in cues
            and any(c.dep_ in SUBJECT_DEPS for c in t.children)]


def subject_source(doc, verb, index: MentionIndex, before: int) -> Optional[tuple[Optional[str], str]]:
    """The reporting verb's subject as (entity id or None, the words naming it)."""
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None:
        return None
    words = list(subject.subtree)
    s_start, s_end = words[0].idx, words[-1].idx + len(words[-1].text)
    surface = doc.text[s_start:s_end]
    if subject.lower_ in PERSON_PRONOUNS:
        found = index.last_before(before, {"PERSON"})
        return (found.entity, doc.text[found.start:found.end]) if found else None
    if subject.lower_ in GROUP_PRONOUNS:
        found = index.last_before(before, {"ORG", "GPE", "PERSON"})
        return (found.entity, doc.text[found.start:found.end]) if found else None
    located = index.best_inside(s_start, s_end)
    if located:
        return located.entity, doc.text[located.start:located.end]
    if subject.pos_ in ("PRON",) or len(words) > 8:
        return None
    return None, surface


def find_source(doc, start: int, end: int, index: MentionIndex, settings: Settings,
                verbs_outside: tuple[int, int] | None = None) -> tuple[Optional[str], Optional[str]]:
    """(entity id, source words) for the item at [start, end); (None, None) when unattributed."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None, None
    sent = span.sent
    outside = verbs_outside or (start, end)
    found = phrase_source(doc, sent, *outside, index, settings)
    if found:
        return found
    verbs = [v for v in reporting_verbs(sent, settings) if not (outside[0] <= v.idx < outside[1])]
    if not verbs:
        return None, None
    governing = [v for v in verbs if v in span.root.ancestors]
    verb = governing[0] if governing else min(verbs, key=lambda v: abs(v.i - span.start))
    return subject_source(doc, verb, index, sent.start_char) or (None, None)
