"""Direct quotes and their speakers.

Quote marks are paired within a paragraph: an opening mark opens, a closing mark closes, a straight
mark toggles, and a closing mark that stands where an opening one belongs (after a comma, before a
word) opens. A quote left open at a paragraph's end runs to that end (multi-paragraph quotes, pages
cut off mid-quote). Fewer than `min_words` words is a scare quote. Interview turns ("Name: text",
where the name opens at least two paragraphs) are quotes by that name.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Optional

from ..annotate import text_of
from ..models import Quote, make_id
from ..settings import Settings
from .attribution import MentionIndex, base_forms, find_source

WORD = re.compile(r"\w+")
SINGLE_OPENERS = ("‘", "'")
SINGLE_CLOSERS = ("’", "'")
DASH_CREDIT = re.compile(r"[ \t]*[―—–-][ \t]*(?P<name>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})")
PARAGRAPH = re.compile(r"[^\n]+")
# After a reporting verb: words up to a colon and an opening quote mark ('added: “', 'said on Friday: "').
INTRODUCES_QUOTE = re.compile(r'[^.:"“”\n]*?:\s*["“]')
QUOTE_OPENERS = {"“", "\"", "‘", "'", "«", "„", "``", "''"}


def quote_spans(text: str, settings: Settings) -> list[tuple[int, int]]:
    """(start, end) of each direct quote's words, paragraph by paragraph."""
    table = settings["quotes"]
    spans: list[tuple[int, int]] = []
    carried = 0  # lines an open quote has run on for
    for para in PARAGRAPH.finditer(text):
        p_start, p_end = para.span()
        if spans and spans[-1][1] == open_end(text, spans[-1]) and carried < table["continued_lines"]:
            closer = closing_mark_opening(text, p_start, p_end, table)
            if closer is not None:  # one sentence a line: the quote closes on a later line
                spans[-1] = (spans[-1][0], closer)
                carried += 1
                spans.extend(paragraph_quotes(text, closer + 1, p_end, table))
                continue
        carried = 0
        spans.extend(paragraph_quotes(text, p_start, p_end, table))
    return [trimmed(text, s, e) for s, e in spans if len(WORD.findall(text[s:e])) >= table["min_words"]]


def open_end(text: str, span: tuple[int, int]) -> int:
    """Where a quote left open at its paragraph's end stops: that end (-1 when it was closed)."""
    end = span[1]
    return end if end == len(text) or text[end] == "\n" else -1


def closing_mark_opening(text: str, p_start: int, p_end: int, table: dict) -> Optional[int]:
    """Where a paragraph's first quote mark is, when that mark closes a quote opened before it (it
    follows a word or a comma, not a space: '... of a tsunami," said ...'; or, typed loosely, stands
    apart after the sentence's punctuation with a space after it too: 'home, " she said'); else None."""
    marks = set(table["closers"]) | {'"'}
    for i in range(p_start, p_end):
        ch = text[i]
        if ch in marks:
            if i > p_start and not text[i - 1].isspace():
                return i
            detached = ch == '"' and i - 2 >= p_start and text[i - 1] == " " and text[i - 2] in ",.?!;" \
                and (i + 1 >= p_end or text[i + 1].isspace())
            return i if detached else None
        if ch in table["openers"]:
            return None
    return None


def paragraph_quotes(text: str, p_start: int, p_end: int, table: dict) -> list[tuple[int, int]]:
    openers, closers = set(table["openers"]), set(table["closers"])
    doubled = set(table["doubled_marks"])
    spans: list[tuple[int, int]] = []
    double_at: Optional[int] = None  # where the open double quote's words start
    double_by_closer = False
    single_at: Optional[int] = None
    for found in _marks(tuple(doubled), tuple(openers | closers)).finditer(text, p_start, p_end):
        i, mark = found.start(), found.group()
        width = len(mark)
        after = i + width
        if width == 2 or mark == "\"" or mark in openers or mark in closers:
            straight = width == 2 or mark == '"'
            if double_at is None:
                if straight or mark in openers or opens_here(text, i, after, p_start, p_end):
                    double_at, double_by_closer, single_at = after, mark in closers and not straight, None
            elif (straight or mark in openers) and reopens(text, i, after, p_start, p_end):
                spans.append((double_at, i))  # the last quote's closing mark is missing
                double_at, double_by_closer = after, False
            elif straight or mark in closers:
                spans.append((double_at, i))
                double_at = None
            elif mark in openers and double_by_closer:
                double_at, double_by_closer = after, False
        elif double_at is None and mark in SINGLE_OPENERS and single_at is None:
            if opens_here(text, i, after, p_start, p_end):
                single_at = after
        elif double_at is None and mark in SINGLE_CLOSERS and single_at is not None:
            if after >= p_end or not text[after].isalnum():
                spans.append((single_at, i))
                single_at = None
    if double_at is not None:
        spans.append((double_at, p_end))
    return spans


@functools.lru_cache(maxsize=8)
def _marks(doubled: tuple[str, ...], marks: tuple[str, ...]) -> re.Pattern:
    """Any quote mark `paragraph_quotes` reads: a doubled one first (\'\' before \'), then one character."""
    singles = {m for m in (*marks, '"', *SINGLE_OPENERS, *SINGLE_CLOSERS) if len(m) == 1}
    return re.compile("|".join([re.escape(m) for m in sorted(doubled, key=len, reverse=True)] +
                               ["[%s]" % "".join(re.escape(m) for m in sorted(singles))]))


def opens_here(text: str, i: int, after: int, p_start: int, p_end: int) -> bool:
    """A mark that opens: nothing wordlike before it, a word (or a nested mark) right after it."""
    before = text[i - 1] if i > p_start else " "
    nxt = text[after] if after < p_end else " "
    return not before.isalnum() and (nxt.isalnum() or nxt in "‘'…")


def reopens(text: str, i: int, after: int, p_start: int, p_end: int) -> bool:
    """A mark inside an open quote that opens another: it stands after a sentence's end and a space,
    before a word ("... 26 weeks. "We are ...": paragraphs run together, a closing mark lost)."""
    j = i - 1
    while j >= p_start and text[j] in " \t":
        j -= 1
    return j < i - 1 and j >= p_start and text[j] in ".?!" and opens_here(text, i, after, p_start, p_end) \
        and after < p_end and text[after].isupper()


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
               previous: Optional[tuple[Optional[str], Optional[str]]],
               previous_end: Optional[int] = None) -> tuple[Optional[str], Optional[str]]:
    """The speaker of the quote at [start, end): a dash credit after it ("” ― Name"), a reporting
    clause in its paragraph, the nearest person named before it in that paragraph, or whoever
    spoke the quote before it there."""
    text = text_of(doc)
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    credit = DASH_CREDIT.match(text, min(end + 1, para_end), para_end)
    if credit:
        located = index.best_inside(*credit.span("name"))
        return (located.entity if located else None), credit.group("name")
    for probe in (end - 1, start):
        entity, words = find_source(doc, probe, probe + 1, index, settings, verbs_outside=(start, end), speech=True,
                                    within=(para_start, para_end))
        if words:
            return entity, words
    clause = next_sentence_start(text, end, para_end)
    if clause is not None and not reports_its_own(doc, clause, min(para_end, clause + settings["quotes"]["split_clause_chars"]), settings):
        reach = min(para_end, clause + settings["quotes"]["split_clause_chars"])
        entity, words = find_source(doc, clause, clause + 1, index, settings, verbs_outside=(start, end), speech=True,
                                    within=(clause, reach))
        if words:
            return entity, words
    if previous and previous_end is not None and not WORD.search(text, previous_end, start):
        return previous  # straight on from the last quote: nothing but marks and spaces between
    person = index.last_before(start, {"PERSON"})
    if previous and person and previous_end is not None and person.start < previous_end:
        return previous  # nobody named since the last quote: its speaker speaks on
    if person and person.start >= para_start:
        return person.entity, text[person.start:person.end]
    intro = colon_introduction(text, para_start)
    if intro is not None and not previous:
        entity, words = find_source(doc, intro, intro + 1, index, settings,
                                    within=(text.rfind("\n", 0, intro) + 1, intro))
        if words:
            return entity, words
        introducer = named_subject(doc, intro, index)
        if introducer:
            return introducer
    return previous or (None, None)


def named_subject(doc, char: int, index: MentionIndex) -> Optional[tuple[str, str]]:
    """The named subject of the sentence at `char` ("Sanders made the following comment:")."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return None
    root = span.sent.root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return None
    words = list(subject.subtree)
    located = index.best_inside(words[0].idx, words[-1].idx + len(words[-1].text), subject.idx)
    if located is None or located.label not in ("PERSON", "ORG"):
        return None
    return located.entity, text_of(doc)[located.start:located.end]


def colon_introduction(text: str, para_start: int) -> Optional[int]:
    """Where the previous paragraph ends in a colon ("The New York Times reports:"), if it does."""
    i = para_start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i if i >= 0 and text[i] == ":" else None


def reports_its_own(doc, clause: int, reach: int, settings: Settings) -> bool:
    """Whether the reporting clause after a quote belongs to something else: its verb introduces the
    next quote ('Bryan added: “...') or governs a clause of its own ('Davey said there had been ...')."""
    span = doc.char_span(clause, clause + 1, alignment_mode="expand")
    if span is None:
        return False
    text, sent = text_of(doc), span[0].sent
    cues = set(settings["attribution"]["cue_verbs"])
    for verb in sent:
        if verb.idx < clause or verb.idx >= reach or verb.pos_ not in ("VERB", "AUX") or not base_forms(verb) & cues:
            continue
        if INTRODUCES_QUOTE.match(text, verb.idx + len(verb.text), sent.end_char + 2):
            return True
        if any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children):
            return True
    return False


def next_sentence_start(text: str, end: int, para_end: int) -> Optional[int]:
    """Where the words after a quote's closing mark begin ("?” Ri asked"), if in the same paragraph."""
    i = end + 1
    while i < para_end and (text[i].isspace() or text[i] in "”\"’'"):
        i += 1
    return i if i < para_end else None


def continues_quotes(text: str, para_start: int, quote_start: int, last_para: Optional[int]) -> bool:
    """Whether a paragraph that opens with a quote follows straight on a paragraph that held one:
    then, with no reporting clause of its own, it continues that paragraph's speaker."""
    if last_para is None or text[para_start:quote_start].strip() not in QUOTE_OPENERS:
        return False
    between = text[last_para + 1:para_start]
    return between.count("\n") <= 2 and between.strip() != ""


def extract_quotes(doc, document_id: str, index: MentionIndex, settings: Settings) -> list[Quote]:
    text = text_of(doc)
    out = []
    turns = interview_turns(text, settings)
    turn_ranges = [(s, e) for s, e, _ in turns]
    for s, e, name in turns:
        located = index.best_inside(s - len(name) - 2, s)
        out.append(Quote(make_id(document_id, "quote", s, e), document_id, s, e, text[s:e],
                         located.entity if located else None, name))
    spans = quote_spans(text, settings)
    index.mark_quoted(spans)
    previous: Optional[tuple[Optional[str], Optional[str]]] = None
    last_para: Optional[int] = None  # where the paragraph of the last quote starts (its "\n", or -1)
    previous_end: Optional[int] = None
    for s, e in spans:
        if any(ts <= s < te for ts, te in turn_ranges):
            continue
        para = text.rfind("\n", 0, s)
        if para != last_para:
            if not continues_quotes(text, para + 1, s, last_para):
                previous = None
            last_para = para
        speaker = speaker_of(doc, s, e, index, settings, previous, previous_end)
        previous = speaker if speaker[1] else previous
        previous_end = e
        out.append(Quote(make_id(document_id, "quote", s, e), document_id, s, e, text[s:e], *speaker))
    return out
