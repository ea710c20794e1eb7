"""Citations: the outlets an article says it relays or was told by.

"Original Source: abcnews.go.com", "told Chosun Ilbo", "Sand Times reported", "outlets Suspilne and
Hromadske": patterns in `[citations]`. A capture that spaCy knows as a person or a place is not an
outlet; "Seoul-based" and a leading "the" are not part of the name.
"""
from __future__ import annotations

import re
from typing import Optional

from ..annotate import text_of
from ..models import Citation, make_id
from ..settings import Settings
from .attribution import MentionIndex
from .entities import name_key

PREFIX = re.compile(r"(?:(?:the|The)\s+|[\w.-]+-based\s+)+")
SPLIT = re.compile(r"\s+and\s+")
# spaCy labels that make a capture a place or a time, not an outlet. PERSON is not among them: the
# small model often takes an outlet's name ("Chosun Ilbo") for a person's.
NOT_OUTLET_LABELS = {"GPE", "NORP", "LOC", "DATE", "TIME"}
# The kind of citation each pattern in `[citations] patterns` reads, in order.
PATTERN_KINDS = ("original-source", "told", "reported", "reported", "outlet")


def extract_citations(doc, document_id: str, index: MentionIndex, settings: Settings,
                      outlet: Optional[str] = None) -> list[Citation]:
    text = text_of(doc)
    not_outlets = set(settings["citations"]["not_outlets"])
    seen: set[tuple[int, int]] = set()
    out = []
    for n, pattern in enumerate(settings.citation_patterns):
        for m in pattern.finditer(text):
            g_start, g_end = m.span("outlet")
            for start, end in split_names(text, g_start, g_end):
                name = text[start:end]
                if (start, end) in seen or name.split()[0] in not_outlets or not_an_outlet(doc, start, end):
                    continue
                if outlet and name_key(name) == name_key(outlet):
                    continue
                seen.add((start, end))
                located = index.best_inside(start, end)
                out.append(Citation(make_id(document_id, "citation", start, end), document_id, name,
                                    located.entity if located and located.label == "ORG" else None,
                                    start, end, name, PATTERN_KINDS[min(n, len(PATTERN_KINDS) - 1)]))
    return out


def split_names(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The outlet names in a capture: prefixes like "Seoul-based" dropped, "A and B" split."""
    m = PREFIX.match(text, start, end)
    if m:
        start = m.end()
    out, cursor = [], start
    for sep in SPLIT.finditer(text, start, end):
        out.append((cursor, sep.start()))
        cursor = sep.end()
    out.append((cursor, end))
    return [(s, e - 1 if ends_sentence(text[s:e]) else e) for s, e in out
            if e > s and text[s:e].strip() == text[s:e]]


def ends_sentence(name: str) -> bool:
    """A full stop after a name ("told the Chosun Ilbo.") ends the sentence, not an abbreviation."""
    return name.endswith(".") and len(name) > 2 and "." not in name[:-1]


def not_an_outlet(doc, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return True
    labels = {t.ent_type_ for t in span if t.ent_type_}
    return bool(labels) and labels <= NOT_OUTLET_LABELS and not any(t.like_url for t in span)
