"""The records of a ledger: one frozen dataclass per record type.

A span is `(document, start, end)`: half-open code-point offsets into the document's clean text.
Ids are content hashes (`make_id`), so building the same input twice yields the same records.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Iterable, Optional, TypeVar

log = logging.getLogger(__name__)


def make_id(*parts: object, length: int = 16) -> str:
    """A short, stable id from the parts' text: the same parts always give the same id."""
    digest = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:length]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Article:
    """One input before cleaning: raw text or HTML plus whatever metadata came with it."""

    source: str
    raw_sha256: str
    fmt: str  # "text" or "html"
    body: str
    title: Optional[str] = None
    url: Optional[str] = None
    outlet: Optional[str] = None
    published: Optional[str] = None
    origin: Optional[str] = None  # where it was read ("file.jsonl:7"), when that is not `source`


@dataclass(frozen=True)
class Document:
    id: str
    source: str
    raw_sha256: str
    text: str
    title: Optional[str]
    url: Optional[str]
    outlet: Optional[str]
    published: Optional[str]
    published_from: Optional[str]  # "metadata", "text", "override" or None
    removed_lines: int = 0


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str  # PERSON, ORG, GPE, NORP, OUTLET
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    id: str
    document: str
    entity: str
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class Quantity:
    id: str
    document: str
    start: int
    end: int
    surface: str
    low: Optional[float]
    high: Optional[float]
    qualifier: str  # exact, floor, ceiling, approximate, range
    vague: bool
    unit: Optional[str]
    counted: Optional[str]
    category: str
    source: Optional[str]  # entity id of the originator
    source_text: Optional[str]
    as_of: Optional[str]
    increment: bool = False  # "an additional 20,000": on top of a total, not the total


@dataclass(frozen=True)
class Quote:
    id: str
    document: str
    start: int
    end: int
    surface: str
    speaker: Optional[str]
    speaker_text: Optional[str]


@dataclass(frozen=True)
class Claim:
    """One attribution relation: who (source) says, by which cue, what (the content, this span).
    `kind` is "direct" for a quote, "indirect" for reported speech or an "according to" clause."""

    id: str
    document: str
    start: int
    end: int
    surface: str
    source: Optional[str]  # entity id
    source_text: Optional[str]
    cue: Optional[str]
    cue_start: Optional[int]
    cue_end: Optional[int]
    kind: str


@dataclass(frozen=True)
class Citation:
    id: str
    document: str
    cited: str
    entity: Optional[str]
    start: Optional[int]
    end: Optional[int]
    surface: Optional[str]
    kind: str  # original-source, told, reported, citing, metadata


@dataclass(frozen=True)
class Group:
    """Figures from any documents that count the same thing, and what their sources say together."""

    id: str
    label: str
    category: str
    quantities: tuple[str, ...]
    status: str = "single-source"  # corroborated, single-source, conflicting, evolving, unattributed
    originators: tuple[str, ...] = ()  # canonical entity ids (or the words naming an unlinked source)
    outlets: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # ids of groups this one sums or splits (casualties ~ killed + wounded)
    note: str = ""


@dataclass(frozen=True)
class Skipped:
    id: str
    source: str
    reason: str
    code: str


@dataclass(frozen=True)
class DocumentRecords:
    """Everything one document yields: what the store writes in one transaction."""

    document: Document
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    citations: tuple[Citation, ...] = ()
    minhash: bytes = b""  # the text's MinHash signature, for finding near-copies across documents
    bands: tuple[int, ...] = ()  # its LSH buckets: near-copies share one
    story_keys: tuple[str, ...] = ()  # pairs of its main entities: documents of one story share one
    dropped: tuple[str, ...] = field(default=())
    claims: tuple[Claim, ...] = ()


R = TypeVar("R")


def span_is_exact(text: str, item: object) -> bool:
    start, end, surface = item.start, item.end, item.surface
    if start is None and end is None:
        return True
    return 0 <= start < end <= len(text) and text[start:end] == surface


def keep_exact_spans(text: str, items: Iterable[R], dropped: list[str]) -> tuple[R, ...]:
    """Items whose `text[start:end]` equals their surface; the rest are dropped with a logged reason."""
    kept = []
    for item in items:
        if span_is_exact(text, item):
            kept.append(item)
        else:
            reason = (f"{type(item).__name__} {getattr(item, 'id', '?')} dropped: span "
                      f"{item.start}-{item.end} does not hold {item.surface!r}")
            log.warning(reason)
            dropped.append(reason)
    return tuple(kept)


__all__ = ["Article", "Document", "Entity", "Mention", "Quantity", "Quote", "Claim", "Citation", "Group",
           "Skipped", "DocumentRecords", "make_id", "sha256_of", "keep_exact_spans"]
