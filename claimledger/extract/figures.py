"""Figures: numbers with their qualifier, what they count, a category and who originated them.

Numbers are found by a pattern built from the `[figures]` tables (digits, number words, scale
words, currency, percent, ranges, qualifiers); spaCy's entities veto the ones that are dates, times,
ordinals or parts of names. What is counted comes from the parse, the category from the nearest
cue in the sentence, the originator from `attribution.find_source`.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

from ..models import Quantity, Quote, make_id
from ..settings import Settings
from .attribution import MentionIndex, find_source
from .dates import as_of

DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CONFLICT = ("casualties", "killed", "wounded", "captured", "deployed")


@dataclass(frozen=True)
class NumberMatch:
    start: int
    end: int
    low: Optional[float]
    high: Optional[float]
    qualifier: str
    vague: bool
    unit: Optional[str]
    core_start: int
    core_end: int


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def number_pattern(settings: Settings) -> re.Pattern:
    f = settings["figures"]
    words = _alternation(list(f["number_words"]))
    number = rf"(?:{DIGITS}|(?:{words})(?:-(?:{words}))?)"
    scale = rf"(?:\s?(?:{_alternation(f['scale_words'])})\b)?"
    currency = rf"(?:{_alternation(f['currency_symbols'])})?"
    amount = rf"{currency}(?:a\s)?{number}{scale}"
    joiner = _alternation(f["range_joiners"])
    qualifier = _alternation(f["qualifiers_floor"] + f["qualifiers_ceiling"] + f["qualifiers_approximate"])
    percent = rf"(?:\s?(?:{_alternation(f['percent_words'])})(?!\w))?"
    vague = _alternation(f["vague_words"])
    return re.compile(
        rf"(?<![\w/#.,:$£€¥-])"
        rf"(?:(?P<qual>{qualifier})\s+)?(?:(?P<between>between|from)\s+)?"
        rf"(?:(?P<low>{amount})(?:\s?(?:{joiner})\s?(?:(?:{qualifier})\s+)?(?P<high>{amount}))?|(?P<vague>{vague}))"
        rf"(?P<pct>{percent})"
        rf"(?![\w/]|[.,:]\d)",
        re.IGNORECASE)


def parse_amount(text: str, settings: Settings) -> tuple[Optional[float], Optional[str]]:
    f = settings["figures"]
    unit = None
    for symbol, code in f["currency_symbols"].items():
        if text.startswith(symbol):
            unit, text = code, text[len(symbol):]
    text = text.strip().lower()
    if text.startswith("a "):
        text = text[2:]
    scale = 1.0
    for word, factor in sorted(f["scale_words"].items(), key=lambda kv: -len(kv[0])):
        m = re.search(rf"\s?{re.escape(word)}$", text)
        if m and m.start() > 0:
            scale, text = float(factor), text[:m.start()]
            break
    if re.fullmatch(DIGITS, text):
        return float(text.replace(",", "")) * scale, unit
    total = 0.0
    for part in text.split("-"):
        if part not in f["number_words"]:
            return None, unit
        total += f["number_words"][part]
    return total * scale, unit


def find_numbers(text: str, settings: Settings) -> list[NumberMatch]:
    f = settings["figures"]
    floor, ceiling = set(f["qualifiers_floor"]), set(f["qualifiers_ceiling"])
    out = []
    for m in number_pattern(settings).finditer(text):
        qual = (m.group("qual") or "").lower()
        if m.group("vague"):
            value = float(f["vague_words"][m.group("vague").lower()])
            core = m.span("vague")
            out.append(NumberMatch(m.start(), m.end(), value, None, "vague", True, None, *core))
            continue
        low, unit = parse_amount(m.group("low"), settings)
        high = None
        if m.group("high"):
            high, unit2 = parse_amount(m.group("high"), settings)
            unit = unit or unit2
        if low is None or (m.group("high") and high is None):
            continue
        if m.group("pct"):
            unit = "percent"
        core = (m.start("low"), m.end("high") if m.group("high") else m.end("low"))
        if high is not None:
            if m.group("between") is None and high <= low:
                continue
            out.append(NumberMatch(m.start(), m.end(), low, high, "range", False, unit, *core))
        elif qual in floor:
            out.append(NumberMatch(m.start(), m.end(), low, None, "floor", False, unit, *core))
        elif qual in ceiling:
            out.append(NumberMatch(m.start(), m.end(), None, low, "ceiling", False, unit, *core))
        else:
            out.append(NumberMatch(m.start(), m.end(), low, low, "approximate" if qual else "exact",
                                   False, unit, *core))
    return out


def is_not_a_figure(match: NumberMatch, doc, text: str, settings: Settings) -> bool:
    """Dates, years, clock times, ordinals, list numbers, parts of names, a lone pronoun "one"."""
    f = settings["figures"]
    core = text[match.core_start:match.core_end]
    if core.lower() in f["pronoun_numbers"]:
        return True
    if re.fullmatch(r"\d{4}", core) and f["year_range"][0] <= int(core) <= f["year_range"][1] \
            and match.unit is None:
        return True
    line_start = text.rfind("\n", 0, match.start) + 1
    if match.start == line_start and re.match(r"\d{1,2}[.)]\s", text[match.core_start:]):
        return True
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return False
    labels = {tok.ent_type_ for tok in span} - {""}
    if labels & set(f["time_entity_labels"]):
        return not is_duration_or_age(text, match, doc, f)
    if labels & set(f["name_entity_labels"]):
        return match.unit is None and not has_scale_word(text[match.core_start:match.core_end], f)
    return False


def is_duration_or_age(text: str, match: NumberMatch, doc, f: dict) -> bool:
    """"10 years", "a 30-minute interview", "aged 17 and 20": amounts of time, not dates."""
    ent = next((e for e in doc.ents if e.start_char <= match.core_start < e.end_char), None)
    window = text[match.core_start:max(match.end, ent.end_char if ent else match.end) + 12].lower()
    before = text[max(0, match.start - 20):match.start].lower()
    units = "|".join(f["duration_units"])
    return bool(re.match(rf"[\d.,\w\s-]*?[\s-](?:{units})s?\b", window)) or \
        bool(re.search(r"\bage[sd]?\b(?: of)?\s*$", before))


def has_scale_word(core: str, f: dict) -> bool:
    return any(re.search(rf"\b{re.escape(w)}$", core.lower()) for w in f["scale_words"] if len(w) > 2)


def counted_phrase(doc, match: NumberMatch) -> Optional[str]:
    """The noun phrase the number quantifies: "North Korean soldiers", "them" in "4,000 of them"."""
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return None
    last = span[-1]
    i = last.i + 1
    while i < len(doc) and doc[i].text in ("-", "–") or (i < len(doc) and doc[i].lower_ in ("strong",)):
        i += 1
    if i < len(doc) and doc[i].lower_ == "of":
        i += 1
    words = []
    while i < len(doc) and doc[i].pos_ in ("ADJ", "NOUN", "PROPN", "PRON", "NUM", "PUNCT") and len(words) < 8:
        tok = doc[i]
        if tok.pos_ == "PUNCT" and tok.text not in ("-",):
            break
        words.append(tok)
        if tok.pos_ == "PRON" or (tok.pos_ in ("NOUN", "PROPN") and
                                  (i + 1 >= len(doc) or doc[i + 1].pos_ not in ("NOUN", "PROPN"))):
            break
        i += 1
    while words and words[-1].pos_ not in ("NOUN", "PROPN", "PRON"):
        words.pop()
    if not words:
        return number_of_phrase(span)
    return doc.text[words[0].idx:words[-1].idx + len(words[-1].text)]


NUMBER_NOUNS = ("number", "total", "count", "tally", "toll", "figure", "estimate")


def number_of_phrase(span) -> Optional[str]:
    """"put the number of North Korean soldiers at around 12,000": what "number of" names."""
    for tok in span.sent:
        if tok.lemma_.lower() in NUMBER_NOUNS and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "of":
            head = next((c for c in tok.doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if head is not None:
                words = [t for t in head.subtree if t.i <= head.i]
                return span.doc.text[words[0].idx:head.idx + len(head.text)]
    return None


def category_of(doc, match: NumberMatch, counted: Optional[str], settings: Settings) -> str:
    if match.unit == "percent":
        return "percent"
    if match.unit:
        return "money"
    f = settings["figures"]
    people = set(f["people_nouns"]["words"])
    head = (counted or "").split()[-1].lower() if counted else ""
    if head.rstrip("s") in people or head in people:
        return nearest_conflict_cue(doc, match, f["conflict_categories"]) or "count"
    if not counted:
        return nearest_conflict_cue(doc, match, f["conflict_categories"],
                                    f["bare_figure_cue_distance"]) or "other"
    return "count"


def nearest_conflict_cue(doc, match: NumberMatch, table: dict[str, list[str]],
                         max_distance: float = float("inf")) -> Optional[str]:
    span = doc.char_span(match.core_start, match.core_end, alignment_mode="expand")
    if span is None:
        return None
    sent = span.sent
    lemmas = [t.lemma_.lower() for t in sent]
    lowers = [t.lower_ for t in sent]
    best: tuple[float, str] | None = None
    for category, cues in table.items():
        for cue in cues:
            n = len(cue.split())
            for i in range(len(sent) - n + 1):
                window_l = " ".join(lemmas[i:i + n])
                window_w = " ".join(lowers[i:i + n])
                if cue not in (window_l, window_w) and not (n == 1 and lowers[i].startswith(cue) and len(cue) > 4):
                    continue
                tok_i = sent.start + i
                if span.start <= tok_i < span.end:
                    continue
                distance = abs(tok_i - span.start) - (0.5 if tok_i > span.start else 0) - 0.1 * n
                if distance <= max_distance and (best is None or distance < best[0]):
                    best = (distance, category)
    return best[1] if best else None


def source_of(doc, match: NumberMatch, index: MentionIndex, quotes: list[Quote],
              settings: Settings) -> tuple[Optional[str], Optional[str]]:
    """Who originates the figure: an attribution around it, or, inside a direct quote, one inside
    the quote or else the quote's speaker; an interviewer's questions originate nothing."""
    inside = next((q for q in quotes if q.start <= match.core_start and match.core_end <= q.end), None)
    if inside is None:
        return find_source(doc, match.core_start, match.core_end, index, settings)
    if inside.speaker_text in interviewers(doc.text, quotes):
        return None, None
    found = find_source(doc, match.core_start, match.core_end, index, settings,
                        within=(inside.start, inside.end), named_only=True)
    return found if found[1] else (inside.speaker, inside.speaker_text)


def is_increment(text: str, match: NumberMatch, settings: Settings) -> bool:
    """"An additional 20,000", "another 2,000": a figure on top of a total, not the total."""
    words = "|".join(re.escape(w) for w in settings["figures"]["increment_words"])
    before = text[max(0, match.start - 30):match.start]
    return bool(re.search(rf"\b(?:{words})\s+$", before, re.IGNORECASE))


def interviewers(text: str, quotes: list[Quote]) -> set[str]:
    """Names whose interview turns ("Name: ...") are mostly questions."""
    asked: dict[str, list[bool]] = {}
    for q in quotes:
        name = q.speaker_text or ""
        if name and text[max(0, q.start - len(name) - 2):q.start] == name + ": ":
            asked.setdefault(name, []).append(q.surface.rstrip(" ”\"'’").endswith("?"))
    return {name for name, turns in asked.items() if sum(turns) * 2 >= len(turns)}


def extract_figures(doc, document_id: str, index: MentionIndex, published: Optional[str],
                    settings: Settings, quotes: Optional[list[Quote]] = None) -> list[Quantity]:
    text = doc.text
    quotes = quotes or []
    out = []
    for match in find_numbers(text, settings):
        if is_not_a_figure(match, doc, text, settings):
            continue
        counted = counted_phrase(doc, match)
        category = category_of(doc, match, counted, settings)
        source, source_text = source_of(doc, match, index, quotes, settings)
        surface = text[match.start:match.end]
        out.append(Quantity(
            id=make_id(document_id, "quantity", match.start, match.end),
            document=document_id, start=match.start, end=match.end, surface=surface,
            low=match.low, high=match.high, qualifier=match.qualifier, vague=match.vague,
            unit=match.unit, counted=counted, category=category, source=source,
            source_text=source_text, as_of=as_of(doc, match.core_start, match.core_end, published, settings),
            increment=is_increment(text, match, settings)))
    return out
