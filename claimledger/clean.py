"""Clean: an `Article` in, a `Document` out, whose clean text every offset refers to.

HTML goes through trafilatura (main text, title, date, site name). Then the text, from HTML or
scraped, loses its page furniture (sign-up boxes, share bars, counters, captions and credits, link
lists, tables of contents, editor lines, bylines) and its repeated paragraphs, exact or near. What
counts as furniture is data: see `[clean]` in `patterns.toml`. Kept paragraphs are joined by a blank
line; their own text is left as it was, typos included.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Optional
from urllib.parse import urlparse

from .errors import EmptyInput, MalformedInput, NoArticleText, OversizedInput
from .models import Article, Document, make_id
from .settings import Settings, load_settings

log = logging.getLogger(__name__)

BULLET = re.compile(r"^\s*(?:[-–•*·▪►]|\d{1,2}[.)])\s+")
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
WORD = re.compile(r"\w+")
MARKDOWN_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)$")
QUOTE_MARKS = "\"“”‘’'«»„"


@dataclass(frozen=True)
class Extracted:
    """What the HTML (or the file itself) says before furniture is removed."""

    text: str
    title: Optional[str]
    published: Optional[str]
    outlet: Optional[str]
    url: Optional[str]


def clean_article(article: Article, settings: Settings | None = None) -> Document:
    """The cleaned `Document` for one article; raises an `InputError` when no article text is left."""
    settings = settings or load_settings()
    extracted = extract_html(article) if article.fmt == "html" else Extracted(
        article.body, article.title, None, None, article.url)
    paragraphs = split_paragraphs(extracted.text)
    kept = remove_furniture(paragraphs, settings)
    kept = remove_repeats(kept, settings)
    text = "\n\n".join(kept)
    if len(text) > settings["limits"]["max_article_chars"]:
        raise OversizedInput(article.source, f"{len(text):,} characters of article text, over the "
                                             f"{settings['limits']['max_article_chars']:,} limit for one article")
    if len(text) < settings["limits"]["min_article_chars"]:
        if not paragraphs:
            raise EmptyInput(article.source, "no text left after reading the file")
        raise NoArticleText(article.source, f"only {len(text)} characters of article text after "
                                            "removing page furniture")
    letters = sum(ch.isalpha() for ch in text)
    if letters < settings["limits"]["min_letter_ratio"] * len(text):
        raise NoArticleText(article.source, "no readable article text: mostly symbols, not words")
    published, published_from = pick_published(article, extracted, paragraphs, settings)
    return Document(
        id=make_id(text, length=20),
        source=article.source,
        raw_sha256=article.raw_sha256,
        text=text,
        title=extracted.title or guess_title(kept),
        url=article.url or extracted.url,
        outlet=article.outlet or extracted.outlet or outlet_from_url(article.url or extracted.url),
        published=published,
        published_from=published_from,
        removed_lines=len(paragraphs) - len(kept),
    )


def extract_html(article: Article) -> Extracted:
    import trafilatura  # heavy: imported where HTML is actually met

    try:
        result = trafilatura.bare_extraction(article.body, url=article.url, with_metadata=True,
                                             include_comments=False)
    except Exception as exc:  # trafilatura raises anything lxml raises on broken markup
        raise MalformedInput(article.source, f"HTML could not be parsed ({type(exc).__name__}: {exc})") from exc
    if result is None or not (result.text or "").strip():
        raise NoArticleText(article.source, "no article text found in the HTML (a navigation or "
                                            "error page, or markup cut off before the article?)")
    return Extracted(text=result.text, title=article.title or result.title, published=result.date,
                     outlet=result.sitename, url=result.url)


def split_paragraphs(text: str) -> list[str]:
    """Non-blank lines, each stripped, in Unicode NFC: the units that cleaning keeps or drops."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    for line in text.split("\n"):
        line = line.replace("\u00a0", " ").strip()
        if line and not _is_invisible(line):
            out.append(line)
    return out


def _is_invisible(line: str) -> bool:
    return all(unicodedata.category(ch) in ("Zs", "Cf", "Cc") for ch in line)


def remove_furniture(paragraphs: list[str], settings: Settings) -> list[str]:
    dropped = furniture_flags(paragraphs, settings)
    drop_fragments_beside_furniture(paragraphs, dropped, settings["clean"]["fragment_max_words"])
    return [p for p, gone in zip(paragraphs, dropped) if not gone]


def furniture_flags(paragraphs: list[str], settings: Settings) -> list[bool]:
    """For each paragraph, whether it is page furniture."""
    dropped = [False] * len(paragraphs)
    in_list = after_caption = False
    item_max = settings["clean"]["list_item_max_words"]
    tail_max = settings["clean"]["caption_tail_max_chars"]
    caption_max = settings["clean"]["caption_max_words"]
    for i, para in enumerate(paragraphs):
        if in_list and is_list_item(para, item_max):
            dropped[i] = True
            continue
        in_list = False
        if after_caption and len(para) <= tail_max and para[:1].islower():
            dropped[i] = True
            continue
        after_caption = False
        if any(p.fullmatch(para) for p in settings.list_headers):
            dropped[i] = in_list = True
        elif any(p.fullmatch(para) for p in settings.credit_lines):
            dropped[i] = True
            if i and not dropped[i - 1] and looks_like_caption(paragraphs[i - 1], caption_max):
                dropped[i - 1] = True
        elif any(p.match(para) for p in settings.caption_openers):
            dropped[i] = after_caption = True
        elif (any(p.fullmatch(para) for p in settings.furniture) or settings.byline.fullmatch(para)
              or MARKDOWN_IMAGE.match(para)):
            dropped[i] = True
    return dropped


def drop_fragments_beside_furniture(paragraphs: list[str], dropped: list[bool], max_words: int) -> None:
    """A few words with no sentence end (a box title, a section crumb) next to furniture is furniture,
    and so is a run of such fragments that touches furniture at either end. One sweep each way: a
    fragment dropped because of its neighbour can make the next fragment drop in the same sweep."""
    fragment = [not gone and is_fragment(para, max_words) for para, gone in zip(paragraphs, dropped)]
    n = len(paragraphs)
    for order, step in ((range(1, n), -1), (range(n - 2, -1, -1), 1)):
        for i in order:
            if fragment[i] and not dropped[i] and dropped[i + step]:
                dropped[i] = True


def is_fragment(para: str, max_words: int) -> bool:
    return len(WORD.findall(para)) <= max_words and not SENTENCE_END.search(para)


def is_list_item(para: str, max_words: int) -> bool:
    if BULLET.match(para):
        return True
    return len(WORD.findall(para)) <= max_words and not SENTENCE_END.search(para)


def looks_like_caption(para: str, max_words: int) -> bool:
    """A paragraph just before a photo credit is its caption, unless it opens as a quote."""
    return len(WORD.findall(para)) <= max_words and para[:1] not in QUOTE_MARKS


def remove_repeats(paragraphs: list[str], settings: Settings) -> list[str]:
    """Paragraphs without the ones already seen: exact (ignoring case and punctuation) or near."""
    from rapidfuzz import fuzz, process

    threshold = settings["clean"]["near_duplicate_similarity"]
    min_words = settings["clean"]["near_duplicate_min_words"]
    seen_exact: set[str] = set()
    seen_long: list[str] = []
    kept = []
    for para in paragraphs:
        words = [w.lower() for w in WORD.findall(para)]
        key = " ".join(words)
        if key and key in seen_exact:
            continue
        if len(words) >= min_words:
            if process.extractOne(key, seen_long, scorer=fuzz.ratio, score_cutoff=threshold):
                continue
            seen_long.append(key)
        seen_exact.add(key)
        kept.append(para)
    return kept


def guess_title(paragraphs: list[str]) -> Optional[str]:
    if paragraphs and len(WORD.findall(paragraphs[0])) <= 20 and not paragraphs[0].endswith("."):
        return paragraphs[0]
    return None


def outlet_from_url(url: Optional[str]) -> Optional[str]:
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def pick_published(article: Article, extracted: Extracted, paragraphs: list[str],
                   settings: Settings) -> tuple[Optional[str], Optional[str]]:
    """The publication date as YYYY-MM-DD and where it came from: override or metadata, else text."""
    for value, origin in ((article.published, "metadata"), (extracted.published, "metadata")):
        parsed = parse_date(value) if value else None
        if parsed:
            return parsed, origin
    n = settings["dates"]["published_search_paragraphs"]
    head = min(n, (len(paragraphs) + 1) // 2)
    top, bottom = paragraphs[:head], paragraphs[head:][-n:]
    # a dateline under the headline, then a date in the file name or URL path, then a date line at the
    # foot of the text (often the print edition's, days after the article went out)
    from_text = published_from_text(top, settings)
    if from_text:
        return from_text, "text"
    from_name = published_from_name(article.source, settings)
    if from_name:
        return from_name, "file name"
    from_text = published_from_text(bottom, settings)
    return (from_text, "text") if from_text else (None, None)


def published_from_name(source: str, settings: Settings) -> Optional[str]:
    """A date written into the file name or URL path ("breitbart_2016-09-12_...", "/2025/01/12/")."""
    for pattern in settings["dates"]["source_name_patterns"]:
        m = re.search(pattern, source)
        if m:
            return parse_date(f"{m['year']}-{m['month']}-{m['day']}")
    return None


def published_from_text(paragraphs: list[str], settings: Settings) -> Optional[str]:
    """The first date line among these paragraphs ("March 4, 2019 - 8:15AM", "By Ann Lee Oct 24, 2024")."""
    for para in paragraphs:
        if len(para) > 80:
            continue
        for pattern in settings.published_lines:
            m = pattern.fullmatch(para)
            if m:
                parsed = parse_date(m.group("date"))
                if parsed:
                    return parsed
    return None


def parse_date(value: str) -> Optional[str]:
    """`YYYY-MM-DD` from an ISO date or a written one ("Oct 24, 2024", "February 19th 2025")."""
    value = value.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    import dateparser  # slow to import; only needed for written dates

    parsed = dateparser.parse(re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", value),
                              languages=["en"], settings={"STRICT_PARSING": True})
    return parsed.date().isoformat() if parsed else None
