"""Direct quotes and their speakers.

Quote marks are paired within a paragraph: an opening mark opens, a closing mark closes, a straight
mark toggles, and a closing mark that stands where an opening one belongs (after a comma, before a
word) opens. A quote left open at a paragraph's end runs to that end (multi-paragraph quotes, pages
cut off mid-quote). Fewer than `min_words` words is a scare quote. Interview turns ("Name: text",
where the name opens at least two paragraphs) are quotes by that name.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from ..models import Quote, make_id
from ..settings import Settings
from .attribution import MentionIndex, find_source

WORD = re.compile(r"\w+")
PARAGRAPH = re.compile(r"[^\n]+")


def quote_spans(text: str, settings: Settings) -> list[tuple[int, int]]:
    table = settings["quotes"]
    openers = set(table["openers"]) - {'"'}
    closers = set(table["closers"]) - {'"', "“"}
    spans = []
    for para in PARAGRAPH.finditer(text):
        open_at = None
        p_start, p_end = para.span()
        for i in range(p_start, p_end):
            ch = text[i]
            if open_at is None:
                if ch in openers or ch == '"' or (ch in closers and opens_here(text, i, p_start, p_end)):
                    open_at = i
            elif ch in closers or ch == '"':
                spans.append((open_at + 1, i))
                open_at = None
            elif ch in openers and text[open_at] in closers:
                open_at = i
        if open_at is not None:
            spans.append((open_at + 1, p_end))
    return [trimmed(text, s, e) for s, e in spans if len(WORD.findall(text[s:e])) >= table["min_words"]]


def opens_here(text: str, i: int, p_start: int, p_end: int) -> bool:
    """A closing mark used as an opening one: nothing wordlike before it, a word right after it."""
    before = text[i - 1] if i > p_start else " "
    after = text[i + 1] if i + 1 < p_end else " "
    return not before.isalnum() and (after.isalnum() or after in "‘'")


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def interview_turns(text: str, settings: Settings) -> list[tuple[int, int, str]]:
    """(start, end, name) of each "Name: text" turn whose name opens two paragraphs or more."""
    found = []
    for para in PARAGRAPH.finditer(text):
        m = settings.interview_turn.match(text, para.start(), para.end())
        if m:
            found.append((m.end(), para.end(), m.group("name")))
    counts = Counter(name for _, _, name in found)
    return [t for t in found if counts[t[2]] >= 2 and len(WORD.findall(text[t[0]:t[1]])) >= 1]


def speaker_of(doc, start: int, end: int, index: MentionIndex, settings: Settings,
               previous: Optional[tuple[Optional[str], Optional[str]]]) -> tuple[Optional[str], Optional[str]]:
    """The speaker of the quote at [start, end): a reporting clause around it, else the nearest
    person named before it in its paragraph, else whoever spoke the quote before in that paragraph."""
    text = doc.text
    for probe in (end - 1, start):
        entity, words = find_source(doc, probe, probe + 1, index, settings, verbs_outside=(start, end))
        if words:
            return entity, words
    para_start = text.rfind("\n", 0, start) + 1
    person = index.last_before(start, {"PERSON"})
    if person and person.start >= para_start:
        return person.entity, text[person.start:person.end]
    return previous or (None, None)


def extract_quotes(doc, document_id: str, index: MentionIndex, settings: Settings) -> list[Quote]:
    text = doc.text
    out = []
    turns = interview_turns(text, settings)
    turn_ranges = [(s, e) for s, e, _ in turns]
    for s, e, name in turns:
        located = index.best_inside(s - len(name) - 2, s)
        out.append(Quote(make_id(document_id, "quote", s, e), document_id, s, e, text[s:e],
                         located.entity if located else None, name))
    previous: Optional[tuple[Optional[str], Optional[str]]] = None
    last_para = -1
    for s, e in quote_spans(text, settings):
        if any(ts <= s < te for ts, te in turn_ranges):
            continue
        para = text.rfind("\n", 0, s)
        if para != last_para:
            previous, last_para = None, para
        speaker = speaker_of(doc, s, e, index, settings, previous)
        previous = speaker if speaker[1] else previous
        out.append(Quote(make_id(document_id, "quote", s, e), document_id, s, e, text[s:e], *speaker))
    return out
