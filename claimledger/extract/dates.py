"""As-of dates: the date a figure refers to or was stated, resolved against the publication date.

A DATE expression in the figure's sentence ("on Wednesday", "the end of November last year",
"last fall", "Oct. 18, 2024") is resolved to an ISO 8601 date, month, year or interval of months
("2024-09/2024-11"); amounts of time ("three months") are not dates. Without one, the figure is as
of the publication date. dateparser reads what the rules in `[dates.relative]` do not.

Everything resolves against the publication date and nothing else, never the machine's clock: in a
document with no publication date only expressions that name their own year resolve ("Oct. 18,
2024", "2019"), "on 1 July" or "on Saturday" give nothing, and a figure with no date in its
sentence has no as-of date. A clock time ("by 1650 GMT") or a number outside `year_range` is not a
year.
"""
from __future__ import annotations

import re
from functools import lru_cache
from datetime import date, timedelta
from typing import Optional

from ..annotate import ents_within, text_of
from ..settings import Settings

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
MONTH_PREFIX = {m[:3]: i + 1 for i, m in enumerate(MONTHS)}
MONTH_NAME = "|".join(f"{m[:3]}(?:{m[3:]}|{'t' if m.startswith('sep') else ''})?" for m in MONTHS)


def resolve(expression: str, published: Optional[str], settings: Settings) -> Optional[str]:
    """The ISO date (or month, year, interval) an expression names, seen from `published`."""
    table = settings["dates"]["relative"]
    text = " ".join(expression.lower().replace("’", "'").split())
    text = re.sub(r"^(?:on|in|at|by|since|during|as of|from)\s+", "", text)
    base = date.fromisoformat(published) if published else None
    if base is not None:
        for resolver in (_same_day, _year_word, _weekday, _season, _month):
            found = resolver(text, base, table)
            if found:
                return found
    elif re.search(r"\d{4}$", text) and table["year_range"][0] <= int(text[-4:]) <= table["year_range"][1]:
        found = _month(text, date(int(text[-4:]), 12, 31), table)  # "july 2003": its year says when
        if found:
            return found
    if re.search(table["duration_pattern"], text):
        return None
    if re.search(table["clock_pattern"], text):
        return None
    return _absolute(text, base, table)


def _same_day(text: str, base: date, table: dict) -> Optional[str]:
    offset = table["day_words"].get(text)
    return (base + timedelta(days=offset)).isoformat() if offset is not None else None


def _weekday(text: str, base: date, table: dict) -> Optional[str]:
    m = re.fullmatch(r"(?:last |this |on )?(%s)" % "|".join(WEEKDAYS), text)
    if not m:
        return None
    back = (base.weekday() - WEEKDAYS.index(m.group(1))) % 7
    if text.startswith("last ") and back == 0:
        back = 7
    return (base - timedelta(days=back)).isoformat()


def _season(text: str, base: date, table: dict) -> Optional[str]:
    m = re.fullmatch(r"(last|this|next)?\s*(%s)(?: of (\d{4}))?" % "|".join(table["seasons"]), text)
    if not m:
        return None
    first, last = table["seasons"][m.group(2)]
    year = int(m.group(3)) if m.group(3) else base.year
    if m.group(1) == "last" or (not m.group(3) and date(year, first, 1) > base):
        year -= 1
    end_year = year + 1 if last < first else year
    return f"{year:04d}-{first:02d}/{end_year:04d}-{last:02d}"


def _month(text: str, base: date, table: dict) -> Optional[str]:
    m = re.fullmatch(r"(?:the )?(?:(?:end|beginning|start|middle) of |(?:early|mid|late)[ -])?"
                     r"(%s)\.?(?:,? (?:of )?(last year|this year|(\d{4})))?" % MONTH_NAME, text)
    if not m:
        return None
    month = MONTH_PREFIX[m.group(1)[:3]]
    if m.group(3):
        year = int(m.group(3))
        if not table["year_range"][0] <= year <= table["year_range"][1]:
            return None
    elif m.group(2) == "last year":
        year = base.year - 1
    else:
        year = base.year if month <= base.month else base.year - 1
    return f"{year:04d}-{month:02d}"


def _year_word(text: str, base: date, table: dict) -> Optional[str]:
    offset = table["year_words"].get(text)
    if offset is not None:
        return f"{base.year + offset:04d}"
    offset = table["month_words"].get(text)
    if offset is not None:
        month_index = base.year * 12 + base.month - 1 + offset
        return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
    return None


def _absolute(text: str, base: Optional[date], table: dict) -> Optional[str]:
    low, high = table["year_range"]
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", text)]
    if not re.search(r"\d", text) or re.fullmatch(r"\d{4}", text):
        return text if years and low <= years[0] <= high and re.fullmatch(r"\d{4}", text) else None
    if base is None and not any(low <= y <= high for y in years):
        return None  # "1 July" in an undated document: no year to put it in, and never this year
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    cleaned = DAY_RANGE.sub(lambda m: f"{m.group('month')} {m.group('to')}" if m.group("month")
                            else f"{m.group('to2')} {m.group('month2')}", cleaned)  # "march 11-13": the 13th
    written = _written_date(cleaned, base)
    if written is not None:
        return written or None
    if not HAS_DAY.search(cleaned):
        return None  # "the late 1990s", "48": no day in it to read
    parsed = _parsed_date(cleaned, base)
    if parsed and base is None and int(parsed[:4]) not in years:
        return None  # dateparser filled in a year from the clock
    return parsed


# A span of days in one month, "march 11-13" or "11-13 march": read as its last day, never "11, 2013".
DAY_RANGE = re.compile(rf"(?P<month>{MONTH_NAME})\.? \d{{1,2}}\s*[-–]\s*(?P<to>\d{{1,2}})\b(?!\d)"
                       rf"|\b\d{{1,2}}\s*[-–]\s*(?P<to2>\d{{1,2}}) (?P<month2>{MONTH_NAME})\b")
# What dateparser may read a day from: a month or weekday name, or a numeric date ("10/10/2002").
HAS_DAY = re.compile(rf"\b(?:{MONTH_NAME}|{'|'.join(WEEKDAYS)})\b|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}")
DAY_MONTH = re.compile(rf"(?:(?:{'|'.join(WEEKDAYS)}),? )?(?P<day>\d{{1,2}}) (?P<month>{MONTH_NAME})\.?(?:,? (?P<year>\d{{4}}))?")
MONTH_DAY = re.compile(rf"(?:(?:{'|'.join(WEEKDAYS)}),? )?(?P<month>{MONTH_NAME})\.? (?P<day>\d{{1,2}})(?:,? (?P<year>\d{{4}}))?")


def _written_date(text: str, base: Optional[date]) -> Optional[str]:
    """"3 may 2024", "oct. 10, 2002", "friday, 5 july": a date written out, read without dateparser;
    without a year, the latest such day up to `base`. "" when it is no valid date; None when the text
    is not written so."""
    m = DAY_MONTH.fullmatch(text) or MONTH_DAY.fullmatch(text)
    if m is None:
        return None
    month, day = MONTH_PREFIX[m.group("month")[:3]], int(m.group("day"))
    if m.group("year"):
        year = int(m.group("year"))
    elif base is not None:
        year = base.year
    else:
        return ""  # "1 July" in an undated document: no year to put it in
    try:
        found = date(year, month, day)
        if not m.group("year") and found > base:
            found = date(year - 1, month, day)
    except ValueError:
        return ""
    return found.isoformat()


@lru_cache(maxsize=4096)
def _parsed_date(text: str, base: Optional[date]) -> Optional[str]:
    """dateparser's reading of a date expression against a base date (never the clock). Cached: news
    repeats its date expressions, and each reading costs milliseconds."""
    import dateparser
    from datetime import datetime

    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"] if base is None
                else ["day", "month"]}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date().isoformat() if parsed else None


def as_of(doc, start: int, end: int, published: Optional[str], settings: Settings) -> Optional[str]:
    """The figure's as-of date: the nearest date expression in its sentence; else a past date the
    sentence before gives (`carry_past_days`); else publication."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return published or None
    found = sentence_date(doc, span.sent, start, published, settings, figure=span.root)
    if found:
        return found
    carried = past_date_before(doc, span.sent, published, settings)
    return carried or published or None


def sentence_date(doc, sent, start: int, published: Optional[str], settings: Settings,
                  figure=None) -> Optional[str]:
    """The date the nearest date expression of the sentence names (not one holding `start`); with
    a `figure` token, only one whose clause holds the figure: "the quake killed five people in a
    region the tsunami of 2004 devastated" is not as of 2004."""
    candidates = [e for e in ents_within(sent) if e.label_ == "DATE" and not (e.start_char <= start < e.end_char)
                  and (figure is None or dates_clause_of(e.root, figure))]
    clock = settings["dates"]["relative"]["clock_pattern"]
    for ent in sorted(candidates, key=lambda e: abs(e.start_char - start)):
        if re.search(clock, (ent.text + text_of(doc)[ent.end_char:ent.end_char + 12]).lower()):
            continue
        resolved = resolve(ent.text, published, settings)
        if resolved:
            return resolved
    return None


def dates_clause_of(date_token, figure) -> bool:
    """Whether a date scopes the figure: the first verb above the date (or the verb it is coordinated
    with) is the figure's own, or one above it ("In 2004, a quake triggered a tsunami that killed
    230,000"); a date without a verb above it (a headline) scopes all."""
    verb = date_token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return True
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head  # "were killed or wounded since December": the date is the coordination's
    return verb == figure or verb.is_ancestor(figure)


def past_date_before(doc, sent, published: Optional[str], settings: Settings) -> Optional[str]:
    """The date of the sentence right before, when it is `carry_past_days` or more before the
    publication date: a background passage ("In April last year a quake struck ...") goes on in the
    next sentence ("Five people died in the quake"). Never in an undated document."""
    days = settings["dates"]["relative"]["carry_past_days"]
    if not published or not days or sent.start == 0:
        return None
    before = doc[sent.start - 1].sent
    # only a date of that sentence's own clause: "... in a region the tsunami of 2004 devastated"
    # dates the tsunami, not the passage
    found = sentence_date(doc, before, -1, published, settings, figure=before.root)
    if not found:
        return None
    first = found.split("/")[0]
    when = date(int(first[:4]), int(first[5:7] or 1) if len(first) >= 7 else 12, 1)
    return found if (date.fromisoformat(published) - when).days >= days else None
